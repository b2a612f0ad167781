from django.urls import path

from ecm.monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export.csv", views.dashboard_export, {"file_format": "csv"}, name="export_csv"),
    path("export.ods", views.dashboard_export, {"file_format": "ods"}, name="export_ods"),
    path("register/", views.register, name="register"),
    path("register/<uuid:assessment_id>/quality/", views.quality_review, name="quality_review"),
    path("training-targets/", views.training_targets, name="training_targets"),
    path("cohort-extract/", views.cohort_extract, name="cohort_extract"),
]
