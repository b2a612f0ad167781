from django.urls import path

from ecm.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
]
