from django.urls import path

from ecm.misuse import views

app_name = "misuse"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("alerts/<uuid:alert_id>/", views.alert_detail, name="alert"),
    path("alerts/<uuid:alert_id>/investigation/", views.alert_investigation, name="investigation"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/upload/", views.staff_upload, name="staff_upload"),
    path("staff/<int:user_id>/", views.staff_details, name="staff_details"),
]
