"""/openreferral/: the Open Referral UK API (a trailing slash is accepted too)."""

from django.urls import re_path

from ecm.directory.api import views

app_name = "openreferral"
ID = r"(?P<{}>[^/]+)/?$"
urlpatterns = [
    re_path(r"^$", views.api_root, name="root"),
    re_path(r"^openapi\.json$", views.openapi, name="openapi"),
    re_path(r"^services/?$", views.service_list, name="services"),
    re_path(r"^services/" + ID.format("service_id"), views.service_detail, name="service"),
    re_path(r"^service_at_locations/?$", views.sal_list, name="service_at_locations"),
    re_path(r"^service_at_locations/" + ID.format("sal_id"), views.sal_detail, name="service_at_location"),
    re_path(r"^organizations/?$", views.organization_list, name="organizations"),
    re_path(r"^organizations/" + ID.format("organization_id"), views.organization_detail, name="organization"),
    re_path(r"^taxonomies/?$", views.taxonomy_list, name="taxonomies"),
    re_path(r"^taxonomies/" + ID.format("taxonomy_id"), views.taxonomy_detail, name="taxonomy"),
    re_path(r"^taxonomy_terms/?$", views.taxonomy_term_list, name="taxonomy_terms"),
    re_path(r"^taxonomy_terms/" + ID.format("term_id"), views.taxonomy_term_detail, name="taxonomy_term"),
    re_path(r"^(?P<rest>.*)$", views.not_found),
]
