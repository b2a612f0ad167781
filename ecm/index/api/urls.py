"""FHIR R4 API, mounted at /fhir/ (config/urls.py: path("fhir/", include("ecm.index.api.urls")))."""

from django.urls import path, re_path

from ecm.index.api import views

app_name = "fhir"
urlpatterns = [
    path("openapi.json", views.openapi, name="openapi"),
    path("Patient", views.patient_search, name="patient_search"),
    path("Patient/<str:patient_id>", views.patient_read, name="patient_read"),
    path("CareTeam", views.care_team_collection, name="care_team_collection"),
    path("CareTeam/<str:care_team_id>", views.care_team_item, name="care_team_item"),
    re_path(r"^(?P<rest>.*)$", views.not_found),
]
