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
        model = apps.get_model(app_label, model_name)
        rows = list(model.objects.filter(**filters))
        if not rows:
            return None
        if not isinstance(rows[0].pk, uuid.UUID):
            return min(row.pk for row in rows)
        # Random UUID keys, and the demo often creates rows in the same instant: pick by what the
        # row is (its creation time, then its description, then every field), the same on every run.
        return min(rows, key=lambda row: (getattr(row, "created_at", None) or 0, str(row), _fields(row))).pk

    return get


def _fields(row: Any) -> str:
    return repr(
        [
            str(getattr(row, f.attname))
            for f in row._meta.concrete_fields
            if not f.primary_key and not isinstance(getattr(row, f.attname), uuid.UUID)
        ]
    )


def missing(pattern: URLPattern, argument: str) -> str:
    """An id of no object (the demo has none): every column should answer as for a missing one."""
    converter = getattr(pattern.pattern, "converters", {}).get(argument)
    return "999999999" if type(converter).__name__ == "IntConverter" else str(uuid.UUID(int=1))


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
    "involvement_id": first_pk("index.Involvement", practitioner__username="practitioner"),
    "care_team_id": first_pk("index.Involvement", practitioner__username="practitioner"),
    "index:request_id": first_pk("index.BrokerRequest"),
    "caf:request_id": first_pk("caf.CafRequest", recipient__username="practitioner"),
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
    "checklist_id": first_pk("caf.Checklist", practitioner__username="practitioner"),
    "assessment_id": lambda: _demo_assessment().pk,
    "slug": lambda: _first_section(),
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
    "client_id": first_pk("accounts.ApiClient"),
    "job_id": first_pk("jobs.Job"),
    "offer_id": first_pk("caf.LeadOffer"),
    "caf:meeting_id": first_pk("caf.Meeting"),
}


def _demo_assessment() -> Any:
    """The demo practitioner's CAF, open for editing where there is one."""
    from ecm.caf.models import Assessment

    theirs = Assessment.objects.filter(author__username="practitioner").order_by("status", "created_at", "pk")
    return theirs.filter(status="draft").first() or theirs.first() or Assessment.objects.order_by("pk").first()


def _first_section() -> str:
    from ecm.caf.framework import SECTIONS

    return SECTIONS[0].slug


def url_for(name: str, pattern: URLPattern, prefix: str) -> str:
    namespace = name.rsplit(":", 1)[0] if ":" in name else ""
    kwargs = {}
    for argument in pattern.pattern.regex.groupindex:
        key = f"{namespace.split(':')[-1]}:{argument}"
        getter = ARGUMENTS.get(key) or ARGUMENTS.get(argument)
        assert getter is not None, f"No demo object for the argument {argument!r} of {name}: add it to ARGUMENTS."
        value = getter()
        kwargs[argument] = missing(pattern, argument) if value is None else str(value)
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
    'accounts:account': (200, 200, 200, 200, 200, 200, 200, 200, SIGN_IN, NA),
    'accounts:enrol': (200, 200, 200, 200, 200, 200, 200, 200, SIGN_IN, NA),
    'accounts:enrol_security_key': (200, 200, 200, 200, 200, 200, 200, 200, SIGN_IN, NA),
    'accounts:enrol_totp': (200, 200, 200, 200, 200, 200, 200, 200, SIGN_IN, NA),
    'accounts:local_authority_create': (404, 404, 404, 404, 404, 200, 404, 404, SIGN_IN, NA),
    'accounts:organisation_create': (404, 404, 404, 404, 404, 200, 404, 404, SIGN_IN, NA),
    'accounts:organisation_edit': (404, 404, 404, 404, 404, 200, 404, 404, SIGN_IN, NA),
    'accounts:organisation_list': (404, 404, 404, 404, 404, 200, 404, 404, SIGN_IN, NA),
    'accounts:password_change': (200, 200, 200, 200, 200, 200, 200, 200, SIGN_IN, NA),
    'accounts:practitioner_create': (404, 404, 404, 404, 404, 200, 404, 404, SIGN_IN, NA),
    'accounts:practitioner_detail': (404, 404, 404, 404, 404, 200, 404, 404, SIGN_IN, NA),
    'accounts:practitioner_edit': (404, 404, 404, 404, 404, 200, 404, 404, SIGN_IN, NA),
    'accounts:practitioner_end_sessions': (404, 404, 404, 404, 404, 405, 404, 404, SIGN_IN, NA),
    'accounts:practitioner_list': (404, 404, 404, 404, 404, 200, 404, 404, SIGN_IN, NA),
    'accounts:practitioner_password_link': (404, 404, 404, 404, 404, 405, 404, 404, SIGN_IN, NA),
    'accounts:practitioner_suspend': (404, 404, 404, 404, 404, 200, 404, 404, SIGN_IN, NA),
    'accounts:recovery_codes': (302, 302, 302, 302, 302, 302, 302, 302, SIGN_IN, NA),
    'accounts:session_end': (405, 405, 405, 405, 405, 405, 405, 405, SIGN_IN, NA),
    'accounts:set_password': (200, 200, 200, 200, 200, 200, 200, 200, 200, NA),
    'accounts:sign_in': (302, 302, 302, 302, 302, 302, 302, 302, 200, NA),
    'accounts:sign_out': (302, 302, 302, 302, 302, 302, 302, 302, 302, NA),
    'accounts:sign_out_confirm': (200, 200, 200, 200, 200, 200, 200, 200, SIGN_IN, NA),
    'accounts:step_up': (200, 200, 200, 200, 200, 200, 200, 200, SIGN_IN, NA),
    'accounts:verify': (302, 302, 302, 302, 302, 302, 302, 302, SIGN_IN, NA),
    'audit:event_list': (404, 404, 404, 200, 404, 200, 404, 404, SIGN_IN, NA),
    'budgets:allocation': (200, 200, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'budgets:allocation_decide': (404, 200, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'budgets:allocation_request': (200, 200, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'budgets:approvals': (404, 200, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'budgets:budget': (404, 200, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'budgets:create': (404, 200, 404, 404, 404, 200, 404, 404, SIGN_IN, NA),
    'budgets:home': (200, 200, 404, 404, 404, 200, 404, 404, SIGN_IN, NA),
    'budgets:list': (404, 200, 404, 404, 404, 200, 404, 404, SIGN_IN, NA),
    'budgets:mine': (200, 200, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'budgets:purchase_decide': (404, 200, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'budgets:purchase_record': (200, 404, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'budgets:reports': (404, 200, 404, 404, 404, 200, 404, 404, SIGN_IN, NA),
    'budgets:reports_csv': (404, 200, 404, 404, 404, 200, 404, 404, SIGN_IN, NA),
    'budgets:threshold': (404, 200, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'caf:action_add': (200, 404, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'caf:action_progress': (404, 404, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'caf:begin': (404, 404, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'caf:checklist': (200, 404, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'caf:checklist_new': (200, 200, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'caf:close': (200, 404, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'caf:complete': (200, 404, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'caf:consent': (200, 200, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'caf:copy': (200, 200, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'caf:copy_pdf': (200, 200, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'caf:copy_settings': (200, 404, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'caf:detail': (200, 200, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'caf:diff': (200, 200, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'caf:home': (200, 200, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'caf:interval': (200, 404, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'caf:lead_appoint': (200, 404, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'caf:meeting_add': (200, 404, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'caf:member_add': (200, 404, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'caf:member_remove': (404, 404, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'caf:plan': (200, 200, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'caf:refusal': (200, 200, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'caf:refusals': (200, 200, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'caf:request': (200, 404, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'caf:request_new': (200, 404, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'caf:review_add': (200, 404, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'caf:reviews': (200, 200, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'caf:safeguarding': (200, 200, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'caf:safeguarding_escalate': (405, 405, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'caf:section': (200, 404, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'caf:share': (200, 404, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'caf:specialist_add': (200, 404, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'caf:start': (200, 200, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'caf:step_up': (200, 404, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'caf:team': (200, 200, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'caf:transfer': (200, 404, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'caf:transfer_accept': (405, 405, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'caf:version': (200, 200, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'caf:versions': (200, 200, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'caf:withdraw': (200, 404, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'consent:register': (200, 200, 404, 200, 200, 404, 404, 404, SIGN_IN, NA),
    'consent:withdraw': (404, 404, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'core:home': (200, 200, 200, 200, 200, 200, 200, 200, SIGN_IN, NA),
    'directory:analytics': (404, 404, 404, 404, 404, 200, 200, 404, SIGN_IN, NA),
    'directory:change': (404, 404, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'directory:families': (200, 200, 200, 200, 200, 200, 200, 200, 200, NA),
    'directory:families_service': (200, 200, 200, 200, 200, 200, 200, 200, 200, NA),
    'directory:location': (200, 200, 200, 200, 200, 200, 200, 200, SIGN_IN, NA),
    'directory:provider': (200, 200, 200, 200, 200, 200, 200, 200, SIGN_IN, NA),
    'directory:provider_link': (404, 404, 404, 404, 404, 200, 200, 404, SIGN_IN, NA),
    'directory:provider_links': (404, 404, 404, 404, 404, 200, 200, 404, SIGN_IN, NA),
    'directory:provider_review': (405, 405, 405, 405, 405, 405, 405, 405, SIGN_IN, NA),
    'directory:provider_service': (404, 404, 404, 404, 404, 200, 200, 404, SIGN_IN, NA),
    'directory:report_problem': (200, 200, 200, 200, 200, 200, 200, 200, 200, NA),
    'directory:report_resolve': (404, 404, 404, 404, 404, 405, 405, 404, SIGN_IN, NA),
    'directory:report_sent': (200, 200, 200, 200, 200, 200, 200, 200, 200, NA),
    'directory:search': (200, 200, 200, 200, 200, 200, 200, 200, SIGN_IN, NA),
    'directory:service': (200, 200, 200, 200, 200, 200, 200, 200, SIGN_IN, NA),
    'directory:team': (404, 404, 404, 404, 404, 200, 200, 404, SIGN_IN, NA),
    'favicon': (302, 302, 302, 302, 302, 302, 302, 302, 302, NA),
    'fhir:^(?P<rest>.*)$': (404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    'fhir:care_team_collection': (401, 401, 401, 401, 401, 401, 401, 401, 401, 400),
    'fhir:care_team_item': (401, 401, 401, 401, 401, 401, 401, 401, 401, 200),
    'fhir:openapi': (200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    'fhir:patient_read': (401, 401, 401, 401, 401, 401, 401, 401, 401, 403),
    'fhir:patient_search': (401, 401, 401, 401, 401, 401, 401, 401, 401, 400),
    'index:broker': (200, 200, 200, 404, 200, 404, 404, 404, SIGN_IN, NA),
    'index:broker_ask': (302, 302, 302, 404, 302, 404, 404, 404, SIGN_IN, NA),
    'index:broker_request': (404, 404, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'index:involvement_add': (302, 302, 302, 404, 302, 404, 404, 404, SIGN_IN, NA),
    'index:involvement_end': (200, 404, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'index:involvement_flags': (200, 404, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'index:on_behalf': (200, 200, 200, 404, 200, 404, 404, 404, SIGN_IN, NA),
    'index:reason': (200, 200, 200, 404, 200, 404, 404, 404, SIGN_IN, NA),
    'index:record': (302, 302, 302, 404, 302, 404, 404, 404, SIGN_IN, NA),
    'index:reveal': (404, 404, 302, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'index:search': (200, 200, 200, 404, 200, 404, 404, 404, SIGN_IN, NA),
    'index:shield': (404, 404, 200, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'index:universal_gaps': (404, 404, 200, 404, 200, 404, 404, 404, SIGN_IN, NA),
    'linkage:child_sources': (404, 404, 404, 404, 200, 404, 404, 404, SIGN_IN, NA),
    'linkage:delivery': (404, 404, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'linkage:home': (404, 404, 404, 404, 200, 404, 404, 404, SIGN_IN, NA),
    'linkage:merge': (404, 404, 404, 404, 200, 404, 404, 404, SIGN_IN, NA),
    'linkage:review_item': (404, 404, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'linkage:review_queue': (404, 404, 404, 404, 200, 404, 404, 404, SIGN_IN, NA),
    'linkage:unmerge': (404, 404, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'misuse:alert': (404, 404, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'misuse:queue': (404, 404, 404, 200, 404, 404, 404, 404, SIGN_IN, NA),
    'misuse:staff_details': (404, 404, 404, 200, 404, 404, 404, 404, SIGN_IN, NA),
    'misuse:staff_list': (404, 404, 404, 200, 404, 404, 404, 404, SIGN_IN, NA),
    'monitoring:cohort_extract': (404, 404, 404, 404, 302, 404, 404, 404, SIGN_IN, NA),
    'monitoring:dashboard': (404, 200, 404, 200, 200, 404, 404, 200, SIGN_IN, NA),
    'monitoring:export_csv': (404, 200, 404, 200, 200, 404, 404, 200, SIGN_IN, NA),
    'monitoring:export_ods': (404, 200, 404, 200, 200, 404, 404, 200, SIGN_IN, NA),
    'monitoring:quality_review': (404, 200, 404, 404, 404, 404, 404, 200, SIGN_IN, NA),
    'monitoring:register': (404, 200, 404, 404, 404, 404, 404, 200, SIGN_IN, NA),
    'monitoring:training_targets': (404, 200, 404, 404, 404, 404, 404, 200, SIGN_IN, NA),
    'multiagency:action_add': (404, 404, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'multiagency:action_done': (405, 405, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'multiagency:agenda_build': (405, 405, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'multiagency:attendance': (404, 200, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'multiagency:case': (404, 404, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'multiagency:caseload': (404, 200, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'multiagency:caseloads': (404, 200, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'multiagency:finalise': (405, 405, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'multiagency:home': (200, 200, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'multiagency:invite': (404, 404, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'multiagency:item_remove': (405, 405, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'multiagency:meeting': (200, 200, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'multiagency:meeting_plan': (405, 405, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'multiagency:member_add': (404, 200, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'multiagency:member_remove': (405, 405, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'multiagency:minutes': (200, 200, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'multiagency:outcome': (404, 404, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'multiagency:panel': (200, 200, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'multiagency:panel_new': (404, 200, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'multiagency:panels': (200, 200, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'multiagency:reallocate': (404, 200, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'multiagency:refer': (200, 200, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'multiagency:schedule': (404, 200, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'multiagency:secondment_add': (404, 404, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'multiagency:secondment_end': (405, 405, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'multiagency:team': (200, 404, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'multiagency:team_new': (404, 200, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'multiagency:teams': (200, 200, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'notifications:list': (200, 200, 200, 200, 200, 200, 200, 200, SIGN_IN, NA),
    'notifications:read': (405, 405, 405, 405, 405, 405, 405, 405, SIGN_IN, NA),
    'openreferral:^(?P<rest>.*)$': (404, 404, 404, 404, 404, 404, 404, 404, 404, 404),
    'openreferral:openapi': (200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    'openreferral:organization': (200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    'openreferral:organizations': (200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    'openreferral:root': (200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    'openreferral:service': (200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    'openreferral:service_at_location': (200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    'openreferral:service_at_locations': (200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    'openreferral:services': (200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    'openreferral:taxonomies': (200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    'openreferral:taxonomy': (200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    'openreferral:taxonomy_term': (200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    'openreferral:taxonomy_terms': (200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
    'otp_webauthn:credential-authentication-begin': (405, 405, 405, 405, 405, 405, 405, 405, 405, NA),
    'otp_webauthn:credential-authentication-complete': (405, 405, 405, 405, 405, 405, 405, 405, 405, NA),
    'otp_webauthn:credential-registration-begin': (405, 405, 405, 405, 405, 405, 405, 405, 403, NA),
    'otp_webauthn:credential-registration-complete': (405, 405, 405, 405, 405, 405, 405, 405, 403, NA),
    'otp_webauthn:js-i18n-catalog': (200, 200, 200, 200, 200, 200, 200, 200, 200, NA),
    'referrals:choose_service': (302, 302, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'referrals:detail': (200, 200, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'referrals:home': (200, 200, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'referrals:new': (302, 302, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'referrals:withdraw': (302, 302, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'rights:compile': (404, 404, 404, 404, 405, 404, 404, 404, SIGN_IN, NA),
    'rights:download': (404, 404, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'rights:extend': (404, 404, 404, 404, 200, 404, 404, 404, SIGN_IN, NA),
    'rights:home': (404, 404, 404, 200, 200, 404, 404, 404, SIGN_IN, NA),
    'rights:identity': (404, 404, 404, 404, 200, 404, 404, 404, SIGN_IN, NA),
    'rights:package': (404, 404, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'rights:rectification': (404, 404, 404, 200, 200, 404, 404, 404, SIGN_IN, NA),
    'rights:rectification_new': (404, 404, 404, 404, 200, 404, 404, 404, SIGN_IN, NA),
    'rights:rectifications': (404, 404, 404, 200, 200, 404, 404, 404, SIGN_IN, NA),
    'rights:redact': (404, 404, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'rights:redaction_remove': (404, 404, 404, 404, 405, 404, 404, 404, SIGN_IN, NA),
    'rights:refuse': (404, 404, 404, 404, 200, 404, 404, 404, SIGN_IN, NA),
    'rights:release': (404, 404, 404, 404, 200, 404, 404, 404, SIGN_IN, NA),
    'rights:request': (404, 404, 404, 200, 200, 404, 404, 404, SIGN_IN, NA),
    'rights:request_new': (404, 404, 404, 404, 200, 404, 404, 404, SIGN_IN, NA),
    'sharing:abandon': (405, 405, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'sharing:advice': (404, 404, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'sharing:advice_queue': (200, 200, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'sharing:adviser_remove': (404, 405, 404, 404, 404, 405, 404, 404, SIGN_IN, NA),
    'sharing:advisers': (404, 200, 404, 404, 404, 200, 404, 404, SIGN_IN, NA),
    'sharing:ask': (404, 404, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'sharing:correct': (200, 200, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'sharing:countersign': (404, 200, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'sharing:countersign_queue': (200, 200, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'sharing:decision': (200, 200, 404, 200, 200, 404, 404, 404, SIGN_IN, NA),
    'sharing:details': (404, 404, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'sharing:draft': (200, 404, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'sharing:home': (200, 200, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'sharing:log': (200, 200, 404, 200, 200, 404, 404, 404, SIGN_IN, NA),
    'sharing:question': (302, 404, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'sharing:record': (404, 404, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'sharing:start': (200, 200, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    # Added at integration (issue 13, 15, 16 pages): read and agreed line by line.
    'accounts:api_client_detail': (404, 404, 404, 404, 404, 200, 404, 404, SIGN_IN, NA),
    'accounts:api_client_list': (404, 404, 404, 404, 404, 200, 404, 404, SIGN_IN, NA),
    'accounts:api_client_revoke': (404, 404, 404, 404, 404, 200, 404, 404, SIGN_IN, NA),
    'accounts:api_client_rotate': (404, 404, 404, 404, 404, 200, 404, 404, SIGN_IN, NA),
    'caf:lead_offer': (404, 404, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'caf:meeting_minute': (404, 404, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'caf:meeting_schedule': (200, 404, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'index:death': (404, 404, 200, 404, 200, 404, 404, 404, SIGN_IN, NA),
    'index:retention_consent': (404, 404, 200, 404, 200, 404, 404, 404, SIGN_IN, NA),
    'jobs:list': (404, 404, 404, 404, 404, 200, 404, 404, SIGN_IN, NA),
    'jobs:retry': (404, 404, 404, 404, 404, 405, 404, 404, SIGN_IN, NA),
    'misuse:investigation': (404, 404, 404, 405, 404, 404, 404, 404, SIGN_IN, NA),
    'misuse:staff_upload': (404, 404, 404, 200, 404, 404, 404, 404, SIGN_IN, NA),
    'notifications:open': (404, 302, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'openreferral_root_no_slash': (200, 200, 200, 200, 200, 200, 200, 200, 200, NA),
    'referrals:service_team_edit': (404, 404, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'referrals:service_teams': (404, 200, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'sharing:shared': (200, 404, 404, 404, 404, 404, 404, 404, SIGN_IN, NA),
    'your_data:page': (200, 200, 200, 200, 200, 200, 200, 200, 200, NA),
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
                "/openreferral",  # with or without its slash
                "/favicon.ico",
                "/fhir/",
                "/your-data/",
                "/sign-in/",
                "/set-password/",
                "/webauthn/",
                "/sign-out/",
            )
        ):
            assert row[COLUMNS.index("anonymous")] in (SIGN_IN, 404, 405), name
