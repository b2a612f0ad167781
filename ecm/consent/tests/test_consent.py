"""Every consent rule: who consents, scopes, agencies allowed and excluded, refusal, withdrawal."""

from __future__ import annotations

import pytest

from ecm.accounts.tests.factories import OrganisationFactory, UserFactory
from ecm.audit.models import AuditEvent
from ecm.consent.choices import GivenBy, Scope
from ecm.consent.models import ConsentRecord, RefusalNote
from ecm.consent.selectors import consent_covers, consents_due_review, is_excluded, refusal_notes_of
from ecm.consent.services import ConsentError, consent_refusal_note, consent_withdraw
from ecm.consent.tests.factories import give_consent
from ecm.core import clock
from ecm.index.tests.factories import ChildFactory

pytestmark = pytest.mark.django_db


def test_parent_with_parental_responsibility_consents_to_named_agencies() -> None:
    author, child = UserFactory(), ChildFactory()
    school, police = OrganisationFactory(), OrganisationFactory()
    consent = give_consent(author, child, allowed_organisations=[school], excluded_organisations=[police])
    assert consent.review_on > consent.given_on
    assert consent_covers(child, school, Scope.SHARE)
    assert not consent_covers(child, police, Scope.SHARE)
    assert not consent_covers(child, OrganisationFactory(), Scope.SHARE)
    assert consent_covers(child, author.organisation, Scope.RECORD)
    assert is_excluded(child, police)
    event = AuditEvent.objects.get(action="consent.recorded")
    assert event.data["excluded"] == [str(police.pk)]


def test_child_consents_only_with_a_recorded_competence_judgement() -> None:
    author, child = UserFactory(), ChildFactory()
    with pytest.raises(ConsentError, match="competence"):
        give_consent(author, child, given_by=GivenBy.CHILD)
    consent = give_consent(
        author, child, given_by=GivenBy.CHILD, competence_judgement="Understands what a CAF is and who will see it"
    )
    assert consent.parent_name == "" and consent.competence_judgement


def test_parent_needs_a_name_and_a_relationship_with_parental_responsibility() -> None:
    author, child = UserFactory(), ChildFactory()
    with pytest.raises(ConsentError, match="relationship"):
        give_consent(author, child, parent_relationship="biological_parent_without_pr")
    with pytest.raises(ConsentError, match="name"):
        give_consent(author, child, parent_name=" ")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"record": False}, "nothing is stored"),
        ({"undertake": False}, "undertake"),
        ({"family_informed": False}, "Tell the family"),
        ({"share": True, "share_purpose": ""}, "what sharing is for"),
    ],
)
def test_consent_needs_every_part(overrides: dict, message: str) -> None:
    author, child = UserFactory(), ChildFactory()
    with pytest.raises(ConsentError, match=message):
        give_consent(author, child, **overrides)
    assert not ConsentRecord.objects.exists()


def test_an_agency_cannot_be_both_allowed_and_excluded() -> None:
    author, child, org = UserFactory(), ChildFactory(), OrganisationFactory()
    with pytest.raises(ConsentError, match="both"):
        give_consent(author, child, allowed_organisations=[org], excluded_organisations=[org])


def test_exclusion_in_any_standing_consent_wins() -> None:
    author, child, org = UserFactory(), ChildFactory(), OrganisationFactory()
    give_consent(author, child, allowed_organisations=[org])
    give_consent(author, child, excluded_organisations=[org])
    assert not consent_covers(child, org, Scope.SHARE)


def test_refusal_to_record_stores_nothing_about_the_child() -> None:
    author = UserFactory()
    ChildFactory()
    events_before = AuditEvent.objects.count()
    note = consent_refusal_note(actor=author, scopes_refused=[Scope.RECORD], note="Mum declined today; revisit")
    assert not ConsentRecord.objects.exists()
    assert not hasattr(RefusalNote, "child")
    assert refusal_notes_of(practitioner=author) == [note]
    assert refusal_notes_of(practitioner=UserFactory()) == []
    event = AuditEvent.objects.order_by("-sequence").first()
    assert AuditEvent.objects.count() == events_before + 1
    assert event is not None and event.action == "consent.refusal_noted" and "child_id" not in event.data


def test_withdrawal_stops_sharing_at_once_and_is_audited() -> None:
    author, child, org = UserFactory(), ChildFactory(), OrganisationFactory()
    consent = give_consent(author, child, allowed_organisations=[org])
    consent_withdraw(actor=author, consent=consent, reason="Dad phoned to withdraw")
    assert not consent_covers(child, org, Scope.SHARE)
    assert AuditEvent.objects.filter(action="consent.withdrawn", reason="Dad phoned to withdraw").exists()
    with pytest.raises(ConsentError, match="already"):
        consent_withdraw(actor=author, consent=consent, reason="again")


def test_consents_due_review_follow_the_clock() -> None:
    import datetime as dt

    author, child = UserFactory(), ChildFactory()
    consent = give_consent(author, child)
    assert consents_due_review(practitioner=author) == []
    clock.freeze(clock.now() + dt.timedelta(weeks=27))
    assert consents_due_review(practitioner=author) == [consent]
