"""Asking someone better placed to undertake a CAF: routed, accepted or declined, and tracked."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ecm.accounts.tests.factories import UserFactory
from ecm.audit.models import AuditEvent
from ecm.caf import services
from ecm.caf.choices import Answer, ChecklistDecision, RequestStatus
from ecm.caf.framework import CHECKLIST_QUESTIONS
from ecm.caf.models import CafRequest
from ecm.caf.services import CafError
from ecm.core.actors import Actor
from ecm.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _checklist(actor: Actor, decision=ChecklistDecision.ASK_OTHER):
    answers = {code: Answer.NO for _, code, _ in CHECKLIST_QUESTIONS}
    return services.checklist_save(actor=actor, answers=answers, decision=decision, working_name="K, Year 9")


def test_request_is_routed_answered_and_tracked(django_capture_on_commit_callbacks) -> None:
    teacher, coordinator = UserFactory(), UserFactory()
    checklist = _checklist(teacher)
    with django_capture_on_commit_callbacks(execute=True):
        request = services.caf_request_send(
            actor=teacher, checklist=checklist, recipient=coordinator, note="Ring me on 0113 496 0000"
        )
    assert Notification.objects.filter(recipient=coordinator, subject__contains="asks you to undertake").exists()
    with pytest.raises(CafError, match="Only the person asked"):
        services.caf_request_answer(actor=teacher, request=request, accept=True)
    with pytest.raises(CafError, match="declining"):
        services.caf_request_answer(actor=coordinator, request=request, accept=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.caf_request_answer(
            actor=coordinator, request=request, accept=False, answer="School nurse better placed"
        )
    assert request.status == RequestStatus.DECLINED
    assert Notification.objects.filter(recipient=teacher, subject__contains="declined").exists()
    assert AuditEvent.objects.filter(action="caf.request_answered").exists()
    with pytest.raises(CafError, match="did not decide"):
        services.caf_request_send(
            actor=teacher, checklist=_checklist(teacher, ChecklistDecision.OWN_SERVICE), recipient=coordinator, note="x"
        )


def test_request_pages(user_client) -> None:
    teacher, coordinator, other = UserFactory(), UserFactory(), UserFactory()
    checklist = _checklist(teacher)
    client = user_client(teacher)
    url = reverse("caf:request_new", args=[checklist.pk])
    assert client.get(url).status_code == 200
    assert user_client(other).get(url).status_code == 404
    response = client.post(url, {"recipient": str(coordinator.pk), "note": "Please call me"})
    assert response.status_code == 302
    request = CafRequest.objects.get()
    detail = reverse("caf:request", args=[request.pk])
    assert user_client(other).get(detail).status_code == 404
    answer = user_client(coordinator)
    assert b"From " in answer.get(reverse("caf:home")).content
    response = answer.post(detail, {"accept": "no"})
    assert b"Say why you are declining" in response.content
    assert answer.post(detail, {"accept": "yes"}).status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.ACCEPTED
    assert b"Accepted" in client.get(reverse("caf:checklist", args=[checklist.pk])).content
