from django.urls import path

from ecm.multiagency.views import caseloads, meetings, panels, teams

app_name = "multiagency"
MEETING = "meetings/<uuid:meeting_id>/"
ITEM = MEETING + "items/<uuid:item_id>/"
urlpatterns = [
    path("", panels.home, name="home"),
    path("panels/", panels.panels, name="panels"),
    path("panels/new/", panels.panel_new, name="panel_new"),
    path("panels/<uuid:panel_id>/", panels.panel, name="panel"),
    path("panels/<uuid:panel_id>/schedule/", panels.schedule, name="schedule"),
    path("panels/<uuid:panel_id>/members/add/", panels.member_add, name="member_add"),
    path("panels/<uuid:panel_id>/members/<uuid:member_id>/remove/", panels.member_remove, name="member_remove"),
    path("panels/<uuid:panel_id>/refer/", panels.refer, name="refer"),
    path("panels/<uuid:panel_id>/meetings/plan/", meetings.meeting_plan, name="meeting_plan"),
    path("cases/<uuid:referral_id>/", panels.case, name="case"),
    path("actions/<uuid:action_id>/done/", meetings.action_done, name="action_done"),
    path(MEETING, meetings.meeting, name="meeting"),
    path(MEETING + "agenda/build/", meetings.agenda_build, name="agenda_build"),
    path(MEETING + "attendance/", meetings.attendance, name="attendance"),
    path(MEETING + "finalise/", meetings.finalise, name="finalise"),
    path(MEETING + "minutes/", meetings.minutes, name="minutes"),
    path(ITEM + "remove/", meetings.item_remove, name="item_remove"),
    path(ITEM + "invite/", meetings.invite, name="invite"),
    path(ITEM + "action/", meetings.action_add, name="action_add"),
    path(ITEM + "outcome/", meetings.outcome, name="outcome"),
    path("teams/", teams.teams, name="teams"),
    path("teams/new/", teams.team_new, name="team_new"),
    path("teams/<uuid:team_id>/", teams.team, name="team"),
    path("teams/<uuid:team_id>/secondments/add/", teams.secondment_add, name="secondment_add"),
    path("teams/<uuid:team_id>/secondments/<uuid:secondment_id>/end/", teams.secondment_end, name="secondment_end"),
    path("caseloads/", caseloads.caseloads, name="caseloads"),
    path("caseloads/<int:user_id>/", caseloads.caseload, name="caseload"),
    path("caseloads/<int:user_id>/reallocate/<uuid:assessment_id>/", caseloads.reallocate, name="reallocate"),
]
