"""/directory/: practitioner search, families' pages (public), provider self-service, directory team."""

from django.urls import path

from ecm.directory.views import families, locations, provider, providers, search, team

app_name = "directory"
urlpatterns = [
    path("", search.search, name="search"),
    path("services/<str:service_id>/", search.service_page, name="service"),
    path("families/", families.families_search, name="families"),
    path("families/services/<str:service_id>/", families.families_service, name="families_service"),
    path("families/services/<str:service_id>/report/", families.report_problem, name="report_problem"),
    path("families/services/<str:service_id>/report/sent/", families.report_sent, name="report_sent"),
    path("provider/", provider.provider_home, name="provider"),
    path("provider/services/<str:service_id>/", provider.provider_service, name="provider_service"),
    path("provider/services/<str:service_id>/review/", provider.provider_review, name="provider_review"),
    path("team/", team.team_home, name="team"),
    path("team/changes/<str:change_id>/", team.change_review, name="change"),
    path("team/reports/<str:report_id>/resolve/", team.report_resolve, name="report_resolve"),
    path("team/analytics/", team.analytics_page, name="analytics"),
    path("team/providers/", providers.provider_links, name="provider_links"),
    path("team/providers/<str:organization_id>/", providers.provider_link, name="provider_link"),
    path("locations/<str:location_id>/", locations.location_page, name="location"),
]
