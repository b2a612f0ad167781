"""Sharing is allowed by consent or by a recorded decision to share without consent."""

from __future__ import annotations

import pytest

from ecm.accounts.tests.factories import OrganisationFactory, UserFactory
from ecm.audit.models import AuditEvent
from ecm.consent.services import consent_withdraw
from ecm.consent.tests.factories import give_consent
from ecm.index.tests.factories import ChildFactory
from ecm.sharing.choices import Ground, Outcome
from ecm.sharing.selectors import sharing_allowed
from ecm.sharing.services import SharingError, sharing_decision_record

pytestmark = pytest.mark.django_db


def _decide(actor, child, org, **overrides):
    values = {
        "ground": Ground.SIGNIFICANT_HARM,
        "reason": "Disclosure of injury at school",
        "what_shared": "The CAF's stay-safe section",
        "purpose": "Strategy discussion",
        "family_told": False,
        "not_told_reason": "Telling the father would put the child at risk",
        **overrides,
    }
    return sharing_decision_record(actor=actor, child=child, organisation=org, **values)


def test_allowed_by_consent_until_withdrawn() -> None:
    author, child, org = UserFactory(), ChildFactory(), OrganisationFactory()
    consent = give_consent(author, child, allowed_organisations=[org])
    assert sharing_allowed(child, org)
    consent_withdraw(actor=author, consent=consent, reason="Withdrawn by phone")
    assert not sharing_allowed(child, org)


def test_a_recorded_decision_allows_sharing_without_consent_even_after_withdrawal() -> None:
    author, child, org = UserFactory(), ChildFactory(), OrganisationFactory()
    consent = give_consent(author, child, excluded_organisations=[org])
    assert not sharing_allowed(child, org)
    _decide(author, child, org)
    assert sharing_allowed(child, org)
    consent_withdraw(actor=author, consent=consent, reason="Withdrawn")
    assert sharing_allowed(child, org)
    event = AuditEvent.objects.get(action="sharing.decision_recorded")
    assert event.data["ground"] == Ground.SIGNIFICANT_HARM and event.reason == "Disclosure of injury at school"


def test_a_later_decision_not_to_share_replaces_the_earlier_one() -> None:
    author, child, org = UserFactory(), ChildFactory(), OrganisationFactory()
    _decide(author, child, org)
    _decide(author, child, org, outcome=Outcome.NOT_SHARE, ground="", reason="Risk has passed")
    assert not sharing_allowed(child, org)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"reason": " "}, "reasons"),
        ({"ground": ""}, "ground"),
        ({"ground": Ground.STATUTORY_DUTY}, "duty"),
        ({"not_told_reason": ""}, "not told"),
        ({"what_shared": ""}, "what is shared"),
    ],
)
def test_a_decision_records_its_ground_and_reasons(overrides: dict, message: str) -> None:
    with pytest.raises(SharingError, match=message):
        _decide(UserFactory(), ChildFactory(), OrganisationFactory(), **overrides)


def test_statutory_duty_names_the_duty_or_order() -> None:
    author, child, org = UserFactory(), ChildFactory(), OrganisationFactory()
    decision = _decide(author, child, org, ground=Ground.STATUTORY_DUTY, duty_or_order="Court order 2026/123")
    assert decision.duty_or_order == "Court order 2026/123"
