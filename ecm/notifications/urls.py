from django.urls import path

from ecm.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<uuid:notification_id>/", views.notification_open, name="open"),
    path("<uuid:notification_id>/read/", views.notification_read, name="read"),
]
