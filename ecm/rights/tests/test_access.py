"""Subject access: logging, deadlines and extensions, the package (every kind of data), redaction, release, refusal."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from ecm.audit.models import AuditEvent
from ecm.core import clock
from ecm.rights import selectors, services
from ecm.rights.choices import RedactionReason, RefusalGround, RequestStatus
from ecm.rights.render import package_json, package_pdf
from ecm.rights.services import RightsError
from ecm.rights.tests.factories import HOME_SITUATION, data_manager, full_child, log_request

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    """The text a reader extracts from the PDF (the fonts are embedded subsets, so raw streams do not show it)."""
    import io

    import pypdf

    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        w = full_child()
    w["dm"] = data_manager()
    return w


def _at(day: dt.date) -> None:
    clock.freeze(dt.datetime(day.year, day.month, day.day, 10, 0, tzinfo=dt.UTC))


def test_logging_sets_the_deadline_at_a_month_end_and_is_audited(world) -> None:
    _at(dt.date(2026, 2, 2))
    request = log_request(world["dm"], world["child"], received_on=dt.date(2026, 1, 31))
    assert request.due_on == dt.date(2026, 2, 28)
    assert request.reference.startswith("SAR-")
    event = AuditEvent.objects.get(action="rights.request_logged")
    assert event.data["due_on"] == "2026-02-28" and event.data["child_id"] == str(world["child"].pk)


def test_a_request_in_the_future_or_without_identity_evidence_is_refused(world) -> None:
    with pytest.raises(RightsError, match="future"):
        log_request(world["dm"], world["child"], received_on=clock.today() + dt.timedelta(days=1))
    with pytest.raises(RightsError, match="identity"):
        log_request(world["dm"], world["child"], identity_evidence="")


def test_extension_within_the_first_month_once_with_reason_and_notice(world) -> None:
    _at(dt.date(2028, 1, 31))
    request = log_request(world["dm"], world["child"], received_on=dt.date(2028, 1, 31))
    assert request.due_on == dt.date(2028, 2, 29)
    _at(dt.date(2028, 2, 20))
    with pytest.raises(RightsError, match="why"):
        services.access_request_extend(
            actor=world["dm"], request=request, months=2, reason=" ", notified_on=clock.today()
        )
    with pytest.raises(RightsError, match="told"):
        services.access_request_extend(
            actor=world["dm"], request=request, months=2, reason="Complex", notified_on=dt.date(2028, 2, 21)
        )
    services.access_request_extend(
        actor=world["dm"],
        request=request,
        months=2,
        reason="Records in four agencies",
        notified_on=dt.date(2028, 2, 20),
    )
    assert request.extended_due_on == dt.date(2028, 4, 30)
    assert request.effective_due_on == dt.date(2028, 4, 30)
    with pytest.raises(RightsError, match="only once"):
        services.access_request_extend(
            actor=world["dm"], request=request, months=1, reason="Again", notified_on=dt.date(2028, 2, 20)
        )
    assert AuditEvent.objects.get(action="rights.request_extended").data["extended_due_on"] == "2028-04-30"


def test_an_extension_after_the_first_month_is_refused(world) -> None:
    _at(dt.date(2026, 1, 31))
    request = log_request(world["dm"], world["child"])
    _at(dt.date(2026, 3, 1))
    with pytest.raises(RightsError, match="too late"):
        services.access_request_extend(
            actor=world["dm"], request=request, months=1, reason="Complex", notified_on=dt.date(2026, 2, 27)
        )
    request.refresh_from_db()
    assert request.extended_due_on is None


def test_task_list_sorts_overdue_due_soon_extended_and_completed(world) -> None:
    _at(dt.date(2026, 3, 10))
    dm, child = world["dm"], world["child"]
    overdue = log_request(dm, child, received_on=dt.date(2026, 2, 5))  # due 5 March
    soon = log_request(dm, child, received_on=dt.date(2026, 2, 14))  # due 14 March
    later = log_request(dm, child, received_on=dt.date(2026, 3, 9))  # due 9 April
    extended = log_request(dm, child, received_on=dt.date(2026, 3, 1))
    services.access_request_extend(actor=dm, request=extended, months=2, reason="Complex", notified_on=clock.today())
    done = log_request(dm, child, received_on=dt.date(2026, 3, 1))
    services.access_request_refuse(
        actor=dm, request=done, ground=RefusalGround.UNFOUNDED, reason="Fifth copy this month"
    )
    tasks = selectors.task_list()
    assert tasks.overdue == [overdue] and tasks.due_soon == [soon]
    assert tasks.extended == [extended] and tasks.open == [later] and tasks.completed == [done]


def _compiled(world):
    request = log_request(world["dm"], world["child"])
    package = services.access_package_compile(actor=world["dm"], request=request)
    return request, package


def test_the_package_holds_every_kind_of_data_including_the_access_log(world) -> None:
    request, package = _compiled(world)
    sections = {s["key"]: s for s in package.data["sections"]}
    assert {"index", "caf", "decisions", "consents", "access_log"} <= set(sections)
    paths = [i["path"] for s in package.data["sections"] for i in s["items"]]
    values = json.dumps(package.data)
    # Index record and its history: the previous family name stays.
    assert "Lily Smith" in values and "Lily Smithson" in values
    assert any(p.startswith("index/carers/") for p in paths) and "Robin Oakes" in values
    assert any(p.startswith("index/involvements/") for p in paths) and "School nursing" in values
    # Every CAF version, the plan, the team.
    caf = world["caf"]
    assert f"caf/{caf.pk}/versions/1" in paths and f"caf/{caf.pk}/versions/{caf.version}" in paths
    assert HOME_SITUATION in values and "Walk to school plan" in values
    assert "Parents asked us not to tell the youth club" in values  # the decision
    assert any(p.startswith("consents/") for p in paths)
    # The access log: who opened the record and why.
    log = sections["access_log"]["items"]
    opened = [i for i in log if any(f["value"] == "Opened the child index record" for f in i["fields"])]
    assert opened and any("Checking who the school nurse is" in f["value"] for f in opened[0]["fields"])
    # People by name, role and organisation, never a login; actions in words; no internal codes.
    viewer_fields = {f["key"]: f["value"] for i in opened for f in i["fields"]}
    assert world["viewer"].get_full_name() in viewer_fields.values()
    assert not any(world["viewer"].username == f["value"] for i in log for f in i["fields"])
    assert not any("." in f["value"] and f["key"] == "what" for i in log for f in i["fields"])
    whats = [(f["value"], i["title"]) for i in log for f in i["fields"] if f["key"] == "what"]
    assert len(whats) == len(set(whats))  # grouped: one entry per person and kind of action
    about = json.dumps(sections["about"])
    assert "Information Commissioner" in about and "ico.org.uk" in about and "18th birthday" in about
    assert any(f["value"] == "Compiled a subject access package" for i in log for f in i["fields"])
    assert AuditEvent.objects.filter(action="rights.package_compiled", object_id=str(request.pk)).exists()


def test_the_disclosure_log_is_in_the_package(world) -> None:
    from ecm.sharing.selectors import disclosures_for

    _, package = _compiled(world)
    sections = {s["key"]: s for s in package.data["sections"]}
    disclosed = disclosures_for(world["child"])
    # The viewer's agency joined the CAF's team: that share is in the disclosure log.
    assert disclosed
    assert [i["path"] for i in sections["disclosures"]["items"]] == [f"disclosures/{row.pk}" for row in disclosed]


def test_redactions_never_reach_the_pdf_or_the_json(world) -> None:
    request, package = _compiled(world)
    caf = world["caf"]
    field_path = f"caf/{caf.pk}/versions/{caf.version}/home_situation"
    carer = next(
        i["path"]
        for s in package.data["sections"]
        for i in s["items"]
        if i["path"].startswith("index/carers/") and any(f["value"] == "Robin Oakes" for f in i["fields"])
    )
    services.redaction_add(
        actor=world["dm"],
        request=request,
        path=field_path,
        reason=RedactionReason.THIRD_PARTY,
        note="Partner's caution",
    )
    services.redaction_add(
        actor=world["dm"], request=request, path=carer, reason=RedactionReason.SERIOUS_HARM, note="Father is a risk"
    )
    pdf = selectors.access_package_download(actor=world["dm"], request=request, fmt="pdf")
    raw_json = selectors.access_package_download(actor=world["dm"], request=request, fmt="json")
    text = pdf_text(pdf)
    for secret in ("Zebedee-Marsh", "Quentin", "Robin", "Oakes", "0113 496 0123"):
        assert secret.encode() not in raw_json, secret
        assert secret not in text, secret
        assert secret.encode() not in pdf, secret
    # Earlier versions hold the home situation too only if it was written there; this one was new in the last.
    assert "[Redacted: Information about another person]" in raw_json.decode()
    assert "[Redacted: Would be likely to cause serious harm]" in text
    # The rest of the package is still there, in both.
    assert "Walk to school plan" in text and b"Walk to school plan" in raw_json
    assert "Checking who the school nurse is" in text
    assert AuditEvent.objects.filter(action="rights.package_downloaded").count() == 2
    # The stored package itself is untouched: redaction is applied on the way out.
    assert "Zebedee-Marsh" in json.dumps(selectors.package_of(request).data)


def test_a_redaction_needs_a_real_path_and_a_reason(world) -> None:
    request, _ = _compiled(world)
    with pytest.raises(RightsError, match="does not exist"):
        services.redaction_add(actor=world["dm"], request=request, path="caf/nope", reason="third_party", note="x")
    with pytest.raises(RightsError, match="Explain"):
        services.redaction_add(
            actor=world["dm"], request=request, path="index/child/nhs_number", reason="third_party", note=""
        )


def test_release_needs_identity_and_a_package_then_closes(world) -> None:
    request = log_request(world["dm"], world["child"], identity_checked=False, identity_evidence="")
    with pytest.raises(RightsError, match="identity"):
        services.access_request_release(actor=world["dm"], request=request)
    services.access_request_identity_confirm(
        actor=world["dm"], request=request, evidence="Birth certificate and letter"
    )
    with pytest.raises(RightsError, match="Compile"):
        services.access_request_release(actor=world["dm"], request=request)
    services.access_package_compile(actor=world["dm"], request=request)
    services.access_request_release(actor=world["dm"], request=request)
    assert request.status == RequestStatus.RELEASED and request.closed_on == clock.today()
    assert AuditEvent.objects.get(action="rights.request_released").data["on_time"] is True
    with pytest.raises(RightsError, match="already"):
        services.access_request_refuse(actor=world["dm"], request=request, ground="other", reason="x")


def test_refusal_records_ground_and_reason(world) -> None:
    request = log_request(world["dm"], world["child"])
    with pytest.raises(RightsError, match="reason"):
        services.access_request_refuse(
            actor=world["dm"], request=request, ground=RefusalGround.PARENT_PURPOSE, reason=""
        )
    services.access_request_refuse(
        actor=world["dm"],
        request=request,
        ground=RefusalGround.PARENT_PURPOSE,
        reason="Police say the father seeks the child's new address",
    )
    assert request.status == RequestStatus.REFUSED
    assert AuditEvent.objects.get(action="rights.request_refused").data["ground"] == "parent_purpose"


def test_pdf_and_json_render_from_the_same_structure(world) -> None:
    _, package = _compiled(world)
    from ecm.rights.render import package_redact

    out = package_redact(package.data, {})
    assert package_pdf(out).startswith(b"%PDF")
    assert json.loads(package_json(out))["format"] == "ecm-subject-access/1"


def test_compiling_again_keeps_redactions_of_what_is_still_held(world) -> None:
    from ecm.core.actors import SYSTEM_COMMAND
    from ecm.index.services import carer_remove

    request, package = _compiled(world)
    carer = world["child"].carers.get(given_name="Robin")
    carer_path = f"index/carers/{carer.pk}/phone"
    kept = services.redaction_add(
        actor=world["dm"], request=request, path="index/child/nhs_number", reason="other", note="Test"
    )
    services.redaction_add(actor=world["dm"], request=request, path=carer_path, reason="third_party", note="His")
    carer_remove(actor=SYSTEM_COMMAND, carer=carer, reason="Not a carer")
    services.access_package_compile(actor=world["dm"], request=request)
    assert [r.path for r in selectors.redactions_of(request)] == [kept.path]
    event = AuditEvent.objects.get(action="rights.redactions_dropped")
    assert event.data["paths"] == [carer_path]


def test_the_data_manager_is_warned_when_redacted_text_appears_elsewhere(world) -> None:
    from ecm.caf import services as caf_services

    caf = world["caf"]
    caf_services.assessment_save_section(
        actor=world["author"], assessment=caf, values={"parents_carers": "Robin Oakes, father"}
    )
    request, package = _compiled(world)
    carer = next(
        i["path"]
        for s in package.data["sections"]
        for i in s["items"]
        if i["path"].startswith("index/carers/") and any(f["value"] == "Robin Oakes" for f in i["fields"])
    )
    services.redaction_add(actor=world["dm"], request=request, path=f"{carer}/name", reason="third_party", note="x")
    assert selectors.redaction_leaks(request) == [f"{carer}/name"]
    for version in range(1, caf.version + 1):
        path = f"caf/{caf.pk}/versions/{version}/parents_carers"
        if path in selectors.package_paths(package.data):
            services.redaction_add(actor=world["dm"], request=request, path=path, reason="third_party", note="x")
    assert selectors.redaction_leaks(request) == []
