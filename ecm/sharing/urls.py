from django.urls import path

from ecm.sharing.views import flow, pages

app_name = "sharing"
DRAFT = "decision/<uuid:draft_id>/"
RECORD = "record/<uuid:decision_id>/"
urlpatterns = [
    path("", pages.home, name="home"),
    path("advice/", pages.advice_queue, name="advice_queue"),
    path("advice/<uuid:advice_id>/", pages.advice, name="advice"),
    path("countersign/", pages.countersign_queue, name="countersign_queue"),
    path("advisers/", pages.advisers, name="advisers"),
    path("advisers/<uuid:adviser_id>/remove/", pages.adviser_remove, name="adviser_remove"),
    path("child/<uuid:child_id>/start/", flow.start, name="start"),
    path("child/<uuid:child_id>/log/", pages.disclosure_log, name="log"),
    path(DRAFT, flow.draft, name="draft"),
    path(DRAFT + "question/<int:number>/", flow.question, name="question"),
    path(DRAFT + "question/<int:number>/advice/", flow.ask, name="ask"),
    path(DRAFT + "details/", flow.details, name="details"),
    path(DRAFT + "record/", flow.record, name="record"),
    path(DRAFT + "abandon/", flow.abandon, name="abandon"),
    path(RECORD, pages.decision, name="decision"),
    path(RECORD + "countersign/", pages.countersign, name="countersign"),
    path(RECORD + "correct/", pages.correct, name="correct"),
    path(RECORD + "shared/", pages.shared, name="shared"),
]
