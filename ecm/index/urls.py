from django.urls import path

from ecm.index import views

app_name = "index"
urlpatterns = [
    path("", views.search_view, name="search"),
    path("children/<str:child_id>/reason/", views.reason_view, name="reason"),
    path("children/<str:child_id>/", views.record_view, name="record"),
    path("children/<str:child_id>/involvements/add/", views.involvement_add_view, name="involvement_add"),
    path("involvements/<str:involvement_id>/flags/", views.involvement_flags_view, name="involvement_flags"),
    path("involvements/<str:involvement_id>/end/", views.involvement_end_view, name="involvement_end"),
    path("children/<str:child_id>/shield/", views.shield_view, name="shield"),
    path("children/<str:child_id>/reveal/", views.reveal_view, name="reveal"),
    path("children/<str:child_id>/death/", views.death_view, name="death"),
    path("children/<str:child_id>/retention-consent/", views.retention_consent_view, name="retention_consent"),
    path("no-school-or-gp/", views.universal_gaps_view, name="universal_gaps"),
    path("on-behalf/", views.on_behalf_view, name="on_behalf"),
    path("children/<str:child_id>/ask/", views.broker_ask_view, name="broker_ask"),
    path("broker/", views.broker_list_view, name="broker"),
    path("broker/<str:request_id>/", views.broker_request_view, name="broker_request"),
]
