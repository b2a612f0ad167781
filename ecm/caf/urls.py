from django.urls import path

from ecm.caf.views import assessment, copy, plan, start

app_name = "caf"
CAF = "<uuid:assessment_id>/"
urlpatterns = [
    path("", start.home, name="home"),
    path("checklist/", start.checklist_new, name="checklist_new"),
    path("checklist/<uuid:checklist_id>/", start.checklist_detail, name="checklist"),
    path("start/<uuid:child_id>/", start.start, name="start"),
    path("start/<uuid:child_id>/consent/", start.consent_new, name="consent"),
    path("start/<uuid:child_id>/begin/<uuid:consent_id>/", start.begin, name="begin"),
    path("refusal/", start.refusal_new, name="refusal"),
    path("refusals/", start.refusals, name="refusals"),
    path("safeguarding/escalate/", start.safeguarding_escalate, name="safeguarding_escalate"),
    path("safeguarding/", start.safeguarding, name="safeguarding"),
    path(CAF, assessment.detail, name="detail"),
    path(CAF + "section/<slug:slug>/", assessment.section, name="section"),
    path(CAF + "complete/", assessment.complete, name="complete"),
    path(CAF + "versions/", assessment.versions, name="versions"),
    path(CAF + "versions/<int:number>/", assessment.version, name="version"),
    path(CAF + "versions/<int:number>/changes/", assessment.diff, name="diff"),
    path(CAF + "share/", assessment.share, name="share"),
    path(CAF + "withdraw-consent/", assessment.withdraw, name="withdraw"),
    path(CAF + "family-copy/settings/", assessment.copy_settings, name="copy_settings"),
    path(CAF + "family-copy/", copy.copy_page, name="copy"),
    path(CAF + "family-copy.pdf", copy.copy_pdf, name="copy_pdf"),
    path(CAF + "team/", plan.team, name="team"),
    path(CAF + "team/add/", plan.member_add, name="member_add"),
    path(CAF + "team/<uuid:member_id>/remove/", plan.member_remove, name="member_remove"),
    path(CAF + "team/meeting/", plan.meeting_add, name="meeting_add"),
    path(CAF + "team/lead/", plan.lead_appoint, name="lead_appoint"),
    path(CAF + "plan/", plan.plan, name="plan"),
    path(CAF + "plan/add/", plan.action_add, name="action_add"),
    path(CAF + "plan/<uuid:action_id>/", plan.action_progress, name="action_progress"),
    path(CAF + "reviews/", plan.reviews, name="reviews"),
    path(CAF + "reviews/add/", plan.review_add, name="review_add"),
    path(CAF + "reviews/interval/", plan.interval, name="interval"),
    path(CAF + "close/", plan.close, name="close"),
    path(CAF + "step-up/", plan.step_up, name="step_up"),
    path(CAF + "transfer/", plan.transfer, name="transfer"),
    path(CAF + "transfer/accept/", plan.transfer_accept, name="transfer_accept"),
]
