from django.urls import path

from ecm.referrals import views

app_name = "referrals"
urlpatterns = [
    path("", views.home, name="home"),
    path("services/", views.service_teams, name="service_teams"),
    path("services/<str:service_id>/team/", views.service_team_edit, name="service_team_edit"),
    path("child/<str:child_id>/", views.choose_service, name="choose_service"),
    path("child/<str:child_id>/service/<str:service_id>/", views.new, name="new"),
    path("<str:referral_id>/", views.detail, name="detail"),
    path("<str:referral_id>/withdraw/", views.withdraw, name="withdraw"),
]
