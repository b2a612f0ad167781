from django.urls import path

from ecm.consent import views

app_name = "consent"
urlpatterns = [
    path("child/<uuid:child_id>/", views.register, name="register"),
    path("child/<uuid:child_id>/<uuid:consent_id>/withdraw/", views.withdraw, name="withdraw"),
]
