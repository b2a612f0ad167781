"""The generated permission matrix: every URL in the URL map, as every role, anonymous and an API client.

The demo area (``seed_demo``) is the world: each URL's arguments are filled with real objects
from it (``ARGUMENTS``), and each role is the demo user who holds it. Every URL is requested
with GET and the answer compared with ``EXPECTED``, the explicit outcome for each column. A URL
without a row in ``EXPECTED`` fails the test, and so does a row for a URL that has gone: a new
page cannot arrive without someone deciding who may reach it.

Outcomes: the status code, or ``SIGN_IN`` for a redirect to the sign-in page. ``-`` in the API
column: not an API URL, so no API client request is made. Run with ``ECM_MATRIX_PRINT=1`` to
print the observed table (then read every changed line before copying it in).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db

SIGN_IN = "sign-in"
NA = "-"
# Columns: each Role's demo user, then anonymous, then an API client (FHIR and Open Referral URLs).
ROLE_USERS = {
    "practitioner": "practitioner",
    "manager": "manager",
    "index_admin": "indexadmin",
    "privacy_officer": "privacy",
    "data_manager": "datamanager",
    "system_admin": "sysadmin",
    "directory_editor": "directory",
    "caf_coordinator": "coordinator",
}
COLUMNS = (*ROLE_USERS, "anonymous", "api")
API_PREFIXES = ("/fhir/", "/openreferral/")


def walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, URLPattern, str]]:
    """(name, pattern, path prefix) for every URL; an unnamed catch-all is named by its pattern."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(n for n in (namespace, entry.namespace or "") if n)
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        else:
            name = f"{namespace}:{entry.name or entry.pattern}" if namespace else str(entry.name or entry.pattern)
            yield name, entry, prefix


def first_pk(model_path: str, **filters: Any) -> Callable[[], Any]:
    def get() -> Any:
        from django.apps import apps

        app_label, model_name = model_path.split(".")
        row = apps.get_model(app_label, model_name).objects.filter(**filters).order_by("pk").first()
        return row.pk if row is not None else MISSING

    return get


MISSING = uuid.UUID(int=1)  # no such object in the demo: every column should answer as for a missing one


def user_pk(username: str) -> Callable[[], Any]:
    return lambda: _user(username).pk


def _user(username: str) -> Any:
    from ecm.accounts.models import User

    return User.objects.get(username=username)


# URL argument -> the object from the demo area. "namespace:argument" wins over "argument".
ARGUMENTS: dict[str, Callable[[], Any]] = {
    "session_id": first_pk("accounts.UserSession"),
    "practitioner_id": user_pk("practitioner"),
    "user_id": user_pk("practitioner"),
    "uidb64": lambda: "MQ",
    "token": lambda: "no-such-token",
    "organisation_id": first_pk("accounts.Organisation", code="RY6"),
    "notification_id": first_pk("notifications.Notification"),
    "child_id": lambda: _demo_assessment().child_id,
    "patient_id": lambda: _demo_assessment().child_id,
    "involvement_id": first_pk("index.Involvement"),
    "care_team_id": first_pk("index.Involvement"),
    "index:request_id": first_pk("index.BrokerRequest"),
    "caf:request_id": first_pk("caf.CafRequest"),
    "rights:request_id": first_pk("rights.AccessRequest"),
    "service_id": first_pk("directory.Service"),
    "change_id": first_pk("directory.ServiceChange"),
    "report_id": first_pk("directory.ProblemReport"),
    "organization_id": first_pk("directory.Organization"),
    "location_id": first_pk("directory.Location"),
    "sal_id": first_pk("directory.ServiceAtLocation"),
    "taxonomy_id": first_pk("directory.Taxonomy"),
    "term_id": first_pk("directory.TaxonomyTerm"),
    "rest": lambda: "no-such-path",
    "alert_id": first_pk("misuse.Alert"),
    "delivery_id": first_pk("linkage.FeedDelivery"),
    "linkage:item_id": first_pk("linkage.ReviewItem"),
    "merge_id": first_pk("linkage.MergeRecord"),
    "consent_id": first_pk("consent.ConsentRecord"),
    "advice_id": first_pk("sharing.AdviceRequest"),
    "adviser_id": first_pk("sharing.SharingAdviser"),
    "draft_id": first_pk("sharing.DecisionDraft"),
    "number": lambda: 1,
    "decision_id": first_pk("sharing.SharingDecision"),
    "checklist_id": first_pk("caf.Checklist"),
    "assessment_id": lambda: _demo_assessment().pk,
    "slug": lambda: "health",
    "caf:member_id": first_pk("caf.TeamMember"),
    "caf:action_id": first_pk("caf.PlanAction"),
    "redaction_id": first_pk("rights.Redaction"),
    "fmt": lambda: "json",
    "rectification_id": first_pk("rights.RectificationRequest"),
    "allocation_id": first_pk("budgets.Allocation"),
    "purchase_id": first_pk("budgets.Purchase"),
    "budget_id": first_pk("budgets.Budget"),
    "panel_id": first_pk("multiagency.Panel"),
    "multiagency:member_id": first_pk("multiagency.PanelMember"),
    "multiagency:referral_id": first_pk("multiagency.PanelReferral"),
    "multiagency:action_id": first_pk("multiagency.PanelAction"),
    "meeting_id": first_pk("multiagency.PanelMeeting"),
    "multiagency:item_id": first_pk("multiagency.AgendaItem"),
    "team_id": first_pk("multiagency.Team"),
    "secondment_id": first_pk("multiagency.Secondment"),
    "referrals:referral_id": first_pk("referrals.Referral"),
}


def _demo_assessment() -> Any:
    from ecm.caf.models import Assessment

    return Assessment.objects.order_by("created_at", "pk").first()


def url_for(name: str, pattern: URLPattern, prefix: str) -> str:
    namespace = name.rsplit(":", 1)[0] if ":" in name else ""
    kwargs = {}
    for argument in pattern.pattern.regex.groupindex:
        key = f"{namespace.split(':')[-1]}:{argument}"
        getter = ARGUMENTS.get(key) or ARGUMENTS.get(argument)
        assert getter is not None, f"No demo object for the argument {argument!r} of {name}: add it to ARGUMENTS."
        kwargs[argument] = str(getter())
    if pattern.name is None:  # a catch-all (answers "not found" in its API's format)
        return "/" + prefix + kwargs["rest"]
    return reverse(name, kwargs=kwargs)


def outcome(response: Any) -> Any:
    if response.status_code in (301, 302) and response["Location"].startswith(reverse("accounts:sign_in")):
        return SIGN_IN
    return response.status_code


# fmt: off
# name: (practitioner, manager, index_admin, privacy_officer, data_manager, system_admin,
#        directory_editor, caf_coordinator, anonymous, api)
EXPECTED: dict[str, tuple[Any, ...]] = {
}
# fmt: on


def test_every_url_for_every_role_has_an_explicit_expected_outcome(sign_in: Any) -> None:
    from ecm.accounts.services import api_client_create
    from ecm.core.actors import SystemActor

    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    clients: dict[str, Client] = {}
    for column, username in ROLE_USERS.items():
        clients[column] = sign_in(Client(), _user(username))
    clients["anonymous"] = Client()
    _api, token = api_client_create(
        actor=SystemActor("matrix"),
        name="matrix-client",
        organisation=_user("practitioner").organisation,
        requests_per_minute=10_000,
    )
    observed: dict[str, tuple[Any, ...]] = {}
    urls = {name: url_for(name, pattern, prefix) for name, pattern, prefix in walk(get_resolver().url_patterns)}
    for name, url in sorted(urls.items()):
        row = []
        for column in COLUMNS:
            if column == "api":
                if not url.startswith(API_PREFIXES):
                    row.append(NA)
                    continue
                response = Client().get(url, HTTP_AUTHORIZATION=f"Bearer {token}")
            else:
                client = clients[column]
                response = client.get(url)
                if column != "anonymous" and "_auth_user_id" not in client.session:  # the URL signed them out
                    clients[column] = sign_in(Client(), _user(ROLE_USERS[column]))
            row.append(outcome(response))
        observed[name] = tuple(row)

    if os.environ.get("ECM_MATRIX_PRINT"):
        for name, row in observed.items():
            print(f"    {name!r}: ({', '.join(repr(v) if isinstance(v, str) else str(v) for v in row)}),")

    missing = sorted(set(observed) - set(EXPECTED))
    gone = sorted(set(EXPECTED) - set(observed))
    assert not missing, f"URLs with no expected outcome in EXPECTED (decide who may reach them): {missing}"
    assert not gone, f"EXPECTED names URLs that are no longer in the URL map: {gone}"
    wrong = {
        name: {
            column: (want, got) for column, want, got in zip(COLUMNS, EXPECTED[name], row, strict=True) if want != got
        }
        for name, row in observed.items()
        if row != EXPECTED[name]
    }
    assert not wrong, f"Outcomes differ from EXPECTED (column: (expected, observed)): {wrong}"
    # Whatever the table says, two rules hold everywhere.
    for name, row in observed.items():
        assert 500 not in row, name
        if not urls[name].startswith(
            (
                "/directory/families/",
                "/openreferral/",
                "/fhir/",
                "/your-data/",
                "/sign-in/",
                "/set-password/",
                "/webauthn/",
                "/sign-out/",
            )
        ):
            assert row[COLUMNS.index("anonymous")] in (SIGN_IN, 404, 405), name
