from django.urls import path

from ecm.misuse import views

app_name = "misuse"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("alerts/<uuid:alert_id>/", views.alert_detail, name="alert"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/<int:user_id>/", views.staff_details, name="staff_details"),
]
