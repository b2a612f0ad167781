"""Administration pages, production settings, and every accounts service writing its audit event."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse

from ecm.accounts import services
from ecm.accounts.choices import OrganisationType, Role
from ecm.accounts.models import LocalAuthority, Organisation, User
from ecm.accounts.tests.factories import LocalAuthorityFactory, OrganisationFactory, UserFactory
from ecm.audit.models import AuditEvent
from ecm.core.actors import SYSTEM_COMMAND

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]

ADMIN_URLS = [
    ("accounts:practitioner_list", []),
    ("accounts:practitioner_create", []),
    ("accounts:organisation_list", []),
    ("accounts:organisation_create", []),
    ("accounts:local_authority_create", []),
]


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.SYSTEM_ADMIN])
def test_admin_pages_are_404_for_every_other_role(client, sign_in, role):
    sign_in(client, UserFactory(roles=[role]))
    target = UserFactory()
    for name, args in ADMIN_URLS + [
        ("accounts:practitioner_detail", [target.pk]),
        ("accounts:practitioner_edit", [target.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404, name


def test_admin_pages_need_sign_in(client):
    response = client.get(reverse("accounts:practitioner_list"))
    assert response.status_code == 302 and response["Location"].startswith("/sign-in/")


def test_admin_creates_and_edits_a_practitioner(client, sign_in, django_capture_on_commit_callbacks):
    admin = UserFactory(roles=[Role.SYSTEM_ADMIN])
    org = OrganisationFactory()
    sign_in(client, admin)
    for name, args in ADMIN_URLS:
        assert client.get(reverse(name, args=args)).status_code == 200, name
    bad = client.post(reverse("accounts:practitioner_create"), {"username": "", "roles": []})
    assert b"There is a problem" in bad.content and b"Choose at least one role" in bad.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:practitioner_create"),
            {
                "username": "new.worker",
                "first_name": "Nia",
                "last_name": "Jones",
                "email": "nia@example.gov.uk",
                "organisation": org.pk,
                "roles": ["practitioner", "manager"],
                "vetting_checked_on_0": "1",
                "vetting_checked_on_1": "2",
                "vetting_checked_on_2": "2026",
            },
        )
    assert response.status_code == 302, response.content.decode()[-3000:]
    user = User.objects.get(username="new.worker")
    assert user.role_codes == {"practitioner", "manager"}
    assert str(user.vetting_checked_on) == "2026-02-01"
    assert not user.has_usable_password()
    assert len(mail.outbox) == 1 and "set your password" in mail.outbox[0].body.lower()
    edit = client.post(
        reverse("accounts:practitioner_edit", args=[user.pk]),
        {
            "first_name": "Nia",
            "last_name": "Jones-Smith",
            "email": "nia@example.gov.uk",
            "organisation": org.pk,
            "roles": ["practitioner"],
        },
    )
    assert edit.status_code == 302
    user.refresh_from_db()
    assert user.last_name == "Jones-Smith" and user.role_codes == {"practitioner"}
    change = AuditEvent.objects.filter(action="admin.practitioner.updated", object_id=str(user.pk)).last()
    assert change.data["changes"]["last_name"] == ["Jones", "Jones-Smith"]
    assert change.actor_label == admin.username


def test_bad_date_is_named(client, sign_in):
    sign_in(client, UserFactory(roles=[Role.SYSTEM_ADMIN]))
    response = client.post(
        reverse("accounts:organisation_create"),
        {
            "code": "X1",
            "name": "X",
            "organisation_type": "school",
            "accredited_on_0": "31",
            "accredited_on_1": "2",
            "accredited_on_2": "2026",
        },
    )
    assert response.status_code == 200 and b"There is a problem" in response.content
    assert not Organisation.objects.filter(code="X1").exists()


def test_admin_manages_organisations_and_areas(client, sign_in):
    sign_in(client, UserFactory(roles=[Role.SYSTEM_ADMIN]))
    client.post(reverse("accounts:local_authority_create"), {"code": "E06000001", "name": "Hartlepool"})
    area = LocalAuthority.objects.get(code="E06000001")
    client.post(
        reverse("accounts:organisation_create"),
        {
            "code": "TS1",
            "name": "Town School",
            "organisation_type": OrganisationType.SCHOOL,
            "local_authority": area.pk,
        },
    )
    org = Organisation.objects.get(code="TS1")
    assert not org.is_accredited
    client.post(
        reverse("accounts:organisation_edit", args=[org.pk]),
        {
            "code": "TS1",
            "name": "Town School",
            "organisation_type": OrganisationType.SCHOOL,
            "local_authority": area.pk,
            "accredited_on_0": "1",
            "accredited_on_1": "1",
            "accredited_on_2": "2025",
        },
    )
    org.refresh_from_db()
    assert org.is_accredited
    assert AuditEvent.objects.filter(action="admin.organisation.updated", object_id=str(org.pk)).exists()


def test_admin_suspends_and_reinstates(client, sign_in):
    sign_in(client, UserFactory(roles=[Role.SYSTEM_ADMIN]))
    target = UserFactory()
    url = reverse("accounts:practitioner_suspend", args=[target.pk])
    assert b"Enter the reason" in client.post(url, {"reason": ""}).content
    client.post(url, {"reason": "Misuse under investigation"})
    target.refresh_from_db()
    assert target.suspended_at is not None and not target.is_active
    client.post(url, {"reason": "Cleared"})
    target.refresh_from_db()
    assert target.suspended_at is None and target.is_active


def _every_service_call():
    area = LocalAuthorityFactory()
    org = OrganisationFactory(local_authority=area)
    user = UserFactory()
    return [
        lambda: services.local_authority_create(actor=SYSTEM_COMMAND, code="E09000001", name="City"),
        lambda: services.local_authority_update(actor=SYSTEM_COMMAND, area=area, name="Renamed"),
        lambda: services.organisation_create(actor=SYSTEM_COMMAND, code="Z9", name="Z", organisation_type="other"),
        lambda: services.organisation_update(actor=SYSTEM_COMMAND, organisation=org, name="New name"),
        lambda: services.practitioner_create(actor=SYSTEM_COMMAND, username="svc1", roles=["practitioner"]),
        lambda: services.practitioner_update(actor=SYSTEM_COMMAND, practitioner=user, job_title="Changed"),
        lambda: services.practitioner_suspend(actor=SYSTEM_COMMAND, practitioner=user, reason="r"),
        lambda: services.practitioner_reinstate(actor=SYSTEM_COMMAND, practitioner=user, reason="r"),
        lambda: services.practitioner_set_password(actor=user, practitioner=user, password="x" * 14),
        lambda: services.sessions_end_for_user(actor=SYSTEM_COMMAND, user=user, reason="ended_by_admin"),
        lambda: services.step_up_record(user=user, success=True),
        lambda: services.second_factor_record(user=user, kind="totp", success=False),
        lambda: services.totp_enrolment_start(actor=user),
        lambda: services.recovery_codes_issue(actor=user),
        lambda: services.security_key_record_enrolled(actor=user, credential_name="key"),
        lambda: services.api_client_create(actor=SYSTEM_COMMAND, organisation=org, name="Case system"),
        lambda: services.practitioner_send_set_password_link(actor=SYSTEM_COMMAND, practitioner=user),
    ]


def test_every_accounts_service_writes_an_audit_event():
    for call in _every_service_call():
        before = AuditEvent.objects.count()
        call()
        assert AuditEvent.objects.count() > before, call


def test_leavers_job_disables_and_audits():
    import datetime as dt

    from ecm.core import clock

    user = UserFactory(leaver_date=clock.today() + dt.timedelta(days=1))
    clock.advance(dt.timedelta(days=1))
    assert services.leavers_disable(actor=SYSTEM_COMMAND) == 1
    assert services.leavers_disable(actor=SYSTEM_COMMAND) == 0
    user.refresh_from_db()
    assert not user.is_active


def test_api_client_token_is_shown_once_and_stored_hashed():
    from ecm.accounts.access import api_client_from_token

    org = OrganisationFactory()
    client, token = services.api_client_create(actor=SYSTEM_COMMAND, organisation=org, name="EHM system")
    assert token not in client.token_hash and len(client.token_hash) == 64
    assert api_client_from_token(token) == client
    assert api_client_from_token(token + "x") is None


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("ECM_", "DJANGO_", "DATABASE_URL"))} | env
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=full, capture_output=True, text=True, timeout=120
    )


PRODUCTION_ENV = {
    "ECM_ENV": "production",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "ecm.example.gov.uk",
    "ECM_WEBAUTHN_RP_ID": "ecm.example.gov.uk",
    "ECM_WEBAUTHN_ORIGINS": "https://ecm.example.gov.uk",
    "DATABASE_URL": "sqlite:////tmp/ecm-check-deploy.sqlite3",
}


def test_production_refuses_to_start_without_secret_key_or_hosts():
    no_key = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    missing_key = _run(["check"], no_key)
    assert missing_key.returncode != 0 and "DJANGO_SECRET_KEY" in missing_key.stderr
    no_hosts = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_ALLOWED_HOSTS"}
    missing_hosts = _run(["check"], no_hosts)
    assert missing_hosts.returncode != 0 and "DJANGO_ALLOWED_HOSTS" in missing_hosts.stderr


def test_production_settings_pass_check_deploy():
    result = _run(["check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_seed_demo_refuses_production():
    result = _run(["seed_demo"], PRODUCTION_ENV)
    assert result.returncode != 0 and "never runs in production" in result.stderr


def test_disable_leavers_command():
    import datetime as dt
    from io import StringIO

    from django.core.management import call_command

    from ecm.core import clock

    UserFactory(leaver_date=clock.today() - dt.timedelta(days=1), is_active=True)
    out = StringIO()
    call_command("disable_leavers", stdout=out)
    assert out.getvalue().strip() == "1 account disabled"
    assert AuditEvent.objects.filter(action="admin.practitioner.leaver_disabled", actor_label="scheduler").exists()
