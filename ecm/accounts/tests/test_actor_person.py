"""Services only a person may call refuse an API client, a system actor and nobody signed in, by name."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from ecm.accounts.access import actor_person
from ecm.accounts.choices import Role
from ecm.accounts.models import ApiClient
from ecm.accounts.tests.factories import OrganisationFactory, UserFactory
from ecm.audit.models import AuditEvent
from ecm.consent.models import RefusalNote
from ecm.consent.services import consent_refusal_note
from ecm.core.actors import SYSTEM_COMMAND
from ecm.sharing.selectors import advisers_listed
from ecm.sharing.services import adviser_add

pytestmark = pytest.mark.django_db


def test_a_signed_in_person_is_themselves() -> None:
    user = UserFactory()
    assert actor_person(user) is user


def test_anyone_else_is_refused_by_name() -> None:
    client = ApiClient(name="Leeds case system", organisation=OrganisationFactory(code="LCS1"))
    with pytest.raises(PermissionDenied, match="not system:management-command"):
        actor_person(SYSTEM_COMMAND)
    with pytest.raises(PermissionDenied, match="not AnonymousUser"):
        actor_person(AnonymousUser())
    with pytest.raises(PermissionDenied, match=r"not Leeds case system \(LCS1\)"):
        actor_person(client)


def test_a_person_only_service_writes_and_audits_nothing_for_a_system_actor() -> None:
    with pytest.raises(PermissionDenied, match="Only a signed-in person can do this"):
        consent_refusal_note(actor=SYSTEM_COMMAND, scopes_refused=["record"], note="Family said no")
    assert not RefusalNote.objects.exists()
    assert not AuditEvent.objects.filter(action="consent.refusal_noted").exists()
    consent_refusal_note(actor=UserFactory(), scopes_refused=["record"], note="Family said no")
    assert RefusalNote.objects.count() == 1


def test_advisers_list_for_someone_without_an_organisation_is_empty() -> None:
    # organisation_id=None would have matched every area-wide adviser (their organisation is NULL), in any area.
    admin = UserFactory(roles=[Role.SYSTEM_ADMIN])
    area_adviser = UserFactory()
    adviser_add(actor=admin, user=area_adviser, local_authority=area_adviser.organisation.local_authority)
    manager = UserFactory(roles=[Role.MANAGER], organisation=None)
    assert advisers_listed(actor=manager) == []
    assert [a.user for a in advisers_listed(actor=admin)] == [area_adviser]
