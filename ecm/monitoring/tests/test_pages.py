"""Monitoring pages, exports and the cohort extract: who may use each, suppression everywhere, no identifiers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from xml.etree import ElementTree

import pytest
from django.core.management import call_command
from django.urls import reverse

from ecm.accounts.choices import OrganisationType, Role
from ecm.accounts.tests.factories import LocalAuthorityFactory, OrganisationFactory, UserFactory
from ecm.audit.models import AuditEvent
from ecm.caf import services as caf
from ecm.caf.choices import ClosureReason, MemberKind, Outcome, OutcomeRating
from ecm.caf.models import Assessment
from ecm.caf.tests.factories import complete_caf
from ecm.core import clock
from ecm.core.actors import SYSTEM_SEED
from ecm.index import services as index_services
from ecm.index.tests.factories import ChildFactory
from ecm.monitoring import aggregation as agg
from ecm.monitoring.models import CohortExtract, MonthlyCount, QualityReview
from ecm.monitoring.services import SYSTEM_MONITORING, aggregates_refresh
from ecm.notifications.models import Notification

pytestmark = pytest.mark.django_db
SMALL = re.compile(r">\s*[1-4]\s*<")


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    area = LocalAuthorityFactory(code="E08000035", name="Leeds")
    elsewhere = LocalAuthorityFactory(code="E08000036", name="Wakefield")
    school = OrganisationFactory(local_authority=area, organisation_type=OrganisationType.SCHOOL)
    trust = OrganisationFactory(local_authority=area, organisation_type=OrganisationType.NHS_TRUST)
    la = OrganisationFactory(local_authority=area, organisation_type=OrganisationType.LOCAL_AUTHORITY_SERVICE)
    people = {
        "practitioner": UserFactory(organisation=school, roles=[Role.PRACTITIONER]),
        "nurse": UserFactory(organisation=trust, roles=[Role.PRACTITIONER]),
        "manager": UserFactory(organisation=trust, roles=[Role.MANAGER, Role.PRACTITIONER]),
        "coordinator": UserFactory(organisation=la, roles=[Role.CAF_COORDINATOR]),
        "privacy": UserFactory(organisation=la, roles=[Role.PRIVACY_OFFICER]),
        "datamanager": UserFactory(organisation=la, roles=[Role.DATA_MANAGER]),
        "sysadmin": UserFactory(organisation=la, roles=[Role.SYSTEM_ADMIN]),
        "indexadmin": UserFactory(organisation=la, roles=[Role.INDEX_ADMIN]),
        "other_area_manager": UserFactory(
            organisation=OrganisationFactory(local_authority=elsewhere), roles=[Role.MANAGER]
        ),
    }
    with django_capture_on_commit_callbacks(execute=True):
        assessment = complete_caf(people["practitioner"], ChildFactory(), allowed=[trust])
    return {"area": area, "elsewhere": elsewhere, "a": assessment, **people}


def urls(w) -> dict[str, str]:
    return {
        "dashboard": reverse("monitoring:dashboard"),
        "export_csv": reverse("monitoring:export_csv"),
        "export_ods": reverse("monitoring:export_ods"),
        "register": reverse("monitoring:register"),
        "quality_review": reverse("monitoring:quality_review", args=[w["a"].pk]),
        "training_targets": reverse("monitoring:training_targets"),
        "cohort_extract": reverse("monitoring:cohort_extract"),
    }


ALLOWED = {
    "dashboard": {"manager", "coordinator", "privacy", "datamanager"},
    "export_csv": {"manager", "coordinator", "privacy", "datamanager"},
    "export_ods": {"manager", "coordinator", "privacy", "datamanager"},
    "register": {"manager", "coordinator"},
    "quality_review": {"manager", "coordinator"},
    "training_targets": {"manager", "coordinator"},
    "cohort_extract": {"datamanager"},
}
PEOPLE = ["practitioner", "nurse", "manager", "coordinator", "privacy", "datamanager", "sysadmin", "indexadmin"]


def stepped_up(client):
    """The cohort extract asks for a fresh password and second factor; mark the session as having given them."""
    from ecm.accounts.stepup import SESSION_KEY

    session = client.session
    session[SESSION_KEY] = clock.now().isoformat()
    session.save()
    return client


@pytest.mark.parametrize("page", sorted(ALLOWED))
def test_permission_matrix(world, user_client, page) -> None:
    url = urls(world)[page]
    for who in PEOPLE:
        response = stepped_up(user_client(world[who])).get(url)
        expected = 200 if who in ALLOWED[page] else 404
        assert response.status_code == expected, (page, who, response.status_code)


def test_signed_out_users_are_sent_to_sign_in(world, client) -> None:
    for url in urls(world).values():
        response = client.get(url)
        assert response.status_code == 302, url
        assert "sign-in" in response["Location"] or "login" in response["Location"], response["Location"]


def test_a_caf_in_another_area_answers_404_to_the_coordinator(world, user_client, django_capture_on_commit_callbacks):
    outsider = UserFactory(organisation=OrganisationFactory(local_authority=world["elsewhere"]))
    with django_capture_on_commit_callbacks(execute=True):
        theirs = complete_caf(outsider, ChildFactory())
    response = user_client(world["coordinator"]).get(reverse("monitoring:quality_review", args=[theirs.pk]))
    assert response.status_code == 404
    register = user_client(world["coordinator"]).get(reverse("monitoring:register")).content.decode()
    assert theirs.reference not in register and world["a"].reference in register


def _crafted_counts(area, month) -> None:
    """Closure reasons for one month: 11 needs met and 1 stepped up (12 closed in all)."""
    rows = []
    for loc in ("", "LS1"):
        for ag in ("", "school"):
            rows += [
                MonthlyCount(area=area, month=month, locality=loc, agency=ag, measure=agg.CLOSED, value=12),
                MonthlyCount(area=area, month=month, locality=loc, agency=ag, measure=agg.STARTED, value=41),
                MonthlyCount(
                    area=area, month=month, locality=loc, agency=ag, measure=agg.CLOSURE_REASON,
                    category=ClosureReason.NEEDS_MET, value=11,
                ),
                MonthlyCount(
                    area=area, month=month, locality=loc, agency=ag, measure=agg.CLOSURE_REASON,
                    category=ClosureReason.STEPPED_UP, value=1,
                ),
                MonthlyCount(area=area, month=month, locality=loc, agency=ag, measure="gender", category="f", value=38),
                MonthlyCount(area=area, month=month, locality=loc, agency=ag, measure="gender", category="m", value=3),
            ]  # fmt: skip
    MonthlyCount.objects.bulk_create(rows)


def test_dashboard_suppresses_small_counts_and_totals_that_would_reveal_them(world, user_client) -> None:
    month = dt.date(clock.today().year, clock.today().month, 1)
    _crafted_counts(world["area"], month)
    html = user_client(world["manager"]).get(reverse("monitoring:dashboard")).content.decode()
    assert "fewer than 5" in html
    # No cell anywhere shows 1 to 4, and neither the closed total (12) nor the 11 beside the 1 is shown exactly:
    # 12 - 11 would reveal the suppressed step-up.
    assert not SMALL.search(html)
    closure = html[html.index('id="table-closure_reasons"') : html.index('id="table-steps"')]
    assert ">11<" not in closure and ">12<" not in closure
    gender = html[html.index('id="table-gender"') : html.index('id="table-age_band"')]
    assert ">38<" not in gender and ">41<" not in gender and "fewer than 5" in gender


def _export_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_export_command_csv_to_stdout_shows_the_same_suppressed_figures(world, capsys) -> None:
    month = dt.date(clock.today().year, clock.today().month, 1)
    _crafted_counts(world["area"], month)
    call_command("monitoring_export", "--area", "E08000035", "--from", f"{month:%Y-%m}", "--to", f"{month:%Y-%m}")
    out = capsys.readouterr().out
    cells = [c for row in _export_rows(out) for c in row]
    assert "fewer than 5" in cells
    assert not [c for c in cells if c.strip() in {"1", "2", "3", "4"}]
    rows = _export_rows(out)
    start = rows.index(["Why CAFs closed"])
    closure = [c for row in rows[start : rows.index([], start)] for c in row]
    assert "fewer than 5" in closure and "11" not in closure and "12" not in closure
    assert AuditEvent.objects.filter(action="monitoring.dashboard_exported").exists()


def test_the_page_export_and_the_command_give_the_same_figures(world, user_client, tmp_path) -> None:
    month = dt.date(clock.today().year, clock.today().month, 1)
    _crafted_counts(world["area"], month)
    query = f"?start={month:%Y-%m}&end={month:%Y-%m}"
    page_csv = user_client(world["manager"]).get(reverse("monitoring:export_csv") + query).content.decode()
    target = tmp_path / "out.csv"
    call_command(
        "monitoring_export", "--area", "E08000035", "--from", f"{month:%Y-%m}", "--to", f"{month:%Y-%m}",
        "--output", str(target),
    )  # fmt: skip
    assert _export_rows(page_csv)[2:] == _export_rows(target.read_text())[2:]


def test_ods_export_is_a_valid_spreadsheet_with_suppressed_figures(world, tmp_path) -> None:
    month = dt.date(clock.today().year, clock.today().month, 1)
    _crafted_counts(world["area"], month)
    target = tmp_path / "out.ods"
    call_command(
        "monitoring_export", "--area", "E08000035", "--from", f"{month:%Y-%m}", "--to", f"{month:%Y-%m}",
        "--format", "ods", "--output", str(target),
    )  # fmt: skip
    with zipfile.ZipFile(target) as archive:
        first = archive.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
        ElementTree.fromstring(archive.read("META-INF/manifest.xml"))
        root = ElementTree.fromstring(archive.read("content.xml"))
    odf = "urn:oasis:names:tc:opendocument:xmlns"
    ns = {"table": f"{odf}:table:1.0", "text": f"{odf}:text:1.0"}
    sheets = root.findall(".//table:table", ns)
    assert len(sheets) >= 10
    texts = ["".join(p.itertext()) for p in root.findall(".//text:p", ns)]
    assert "fewer than 5" in texts
    assert not [t for t in texts if t.strip() in {"1", "2", "3", "4", "11"}]


def test_export_command_rejects_bad_arguments(world) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("monitoring_export", "--area", "NOPE", "--from", "2026-01", "--to", "2026-02")
    with pytest.raises(CommandError):
        call_command("monitoring_export", "--area", "E08000035", "--from", "2026-05", "--to", "2026-02")
    with pytest.raises(CommandError):
        call_command(
            "monitoring_export", "--area", "E08000035", "--from", "2026-01", "--to", "2026-02", "--format", "ods"
        )


def test_refresh_counts_caf_activity_and_outcome_progress(world, django_capture_on_commit_callbacks) -> None:
    a = world["a"]
    nurse = world["nurse"]
    with django_capture_on_commit_callbacks(execute=True):
        member = caf.team_member_add(
            actor=world["practitioner"], assessment=a, kind=MemberKind.PRACTITIONER, user=nurse
        )
        caf.action_add(
            actor=world["practitioner"], assessment=a, what="GP visit", responsible=member,
            due_on=clock.today() + dt.timedelta(days=7), outcome_wanted="Seen", outcome=Outcome.BE_HEALTHY,
        )  # fmt: skip
        caf.review_record(
            actor=world["practitioner"], assessment=a, held_on=clock.today(), present="All", progress_notes="Fine",
            outcome_progress={Outcome.BE_HEALTHY: (OutcomeRating.NO_CHANGE, "Waiting")},
        )  # fmt: skip
        caf.assessment_close(
            actor=world["practitioner"], assessment=a, reason=ClosureReason.NEEDS_MET,
            outcome_progress={Outcome.BE_HEALTHY: (OutcomeRating.ACHIEVED, "")}, family_feedback_rating="very_helpful",
        )  # fmt: skip
    aggregates_refresh(actor=SYSTEM_MONITORING, area=world["area"])
    month = dt.date(clock.today().year, clock.today().month, 1)
    totals = {
        (r.measure, r.category): r.value
        for r in MonthlyCount.objects.filter(area=world["area"], month=month, locality="", agency="")
    }
    assert totals[(agg.STARTED, "")] == 1 and totals[(agg.COMPLETED, "")] == 1 and totals[(agg.CLOSED, "")] == 1
    assert totals[(agg.CLOSURE_REASON, ClosureReason.NEEDS_MET)] == 1
    assert totals[(agg.OUTCOME_CHANGE, f"{Outcome.BE_HEALTHY}:{agg.IMPROVED}")] == 1
    assert totals[(agg.FAMILY_FEEDBACK, "very_helpful")] == 1
    assert totals[(agg.REVIEWS, agg.ON_TIME)] == 1
    by_agency = MonthlyCount.objects.get(
        area=world["area"], month=month, locality="", agency="school", measure=agg.STARTED
    )
    assert by_agency.value == 1
    assert AuditEvent.objects.filter(action="monitoring.aggregates_refreshed").exists()
    assert not MonthlyCount.objects.filter(area=world["elsewhere"]).exists()


def test_refresh_command_runs_as_the_system(world) -> None:
    call_command("monitoring_refresh", "--area", "E08000035")
    event = AuditEvent.objects.filter(action="monitoring.aggregates_refreshed").latest("occurred_at")
    assert event.actor_type == "system"


def test_quality_review_is_recorded_audited_and_sent_to_the_assessor(
    world, user_client, django_capture_on_commit_callbacks
):
    from ecm.monitoring.choices import QUALITY_STANDARD

    client = user_client(world["coordinator"])
    url = reverse("monitoring:quality_review", args=[world["a"].pk])
    response = client.post(url, {"rating": "good"})
    assert response.status_code == 200 and "Enter the feedback for the assessor" in response.content.decode()
    data = {f"criterion_{code}": "met" for code, _ in QUALITY_STANDARD} | {
        "rating": "good",
        "feedback": "Clear and balanced.",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302
    review = QualityReview.objects.get()
    assert review.rating == "good" and review.reviewer == world["coordinator"]
    assert AuditEvent.objects.filter(action="monitoring.quality_reviewed", object_id=str(world["a"].pk)).exists()
    note = Notification.objects.get(recipient=world["practitioner"], subject__startswith="Quality review")
    assert note.body == "Clear and balanced."


def test_register_lists_completed_cafs_with_no_plan_and_no_content(world, user_client) -> None:
    child = world["a"].child
    # Names no generated practitioner or organisation could share, so their absence proves something.
    index_services.child_update(actor=SYSTEM_SEED, child=child, given_name="Zebedee", family_name="Quillfeather")
    html = user_client(world["coordinator"]).get(reverse("monitoring:register") + "?list=no_plan").content.decode()
    assert world["a"].reference in html
    assert "Zebedee" not in html and "Quillfeather" not in html
    assert "Poor attendance" not in html  # the CAF's content
    assert AuditEvent.objects.filter(action="monitoring.register_viewed").exists()


def test_register_lists_several_agencies_without_a_tac(world, user_client) -> None:
    caf.team_member_add(
        actor=world["practitioner"], assessment=world["a"], kind=MemberKind.PRACTITIONER, user=world["nurse"]
    )
    html = user_client(world["manager"]).get(reverse("monitoring:register") + "?list=no_tac").content.decode()
    assert world["a"].reference in html
    clock.freeze(clock.now() + dt.timedelta(weeks=8))
    html = user_client(world["manager"]).get(reverse("monitoring:register") + "?list=overdue_reviews").content.decode()
    assert world["a"].reference in html


def test_cohort_extract_needs_a_recent_step_up(world, user_client) -> None:
    response = user_client(world["datamanager"]).get(reverse("monitoring:cohort_extract"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:step_up"))


def test_cohort_extract_needs_a_purpose_and_is_audited(world, user_client) -> None:
    client = stepped_up(user_client(world["datamanager"]))
    url = reverse("monitoring:cohort_extract")
    today = clock.today()
    dates = {
        "started_from_0": "1", "started_from_1": "1", "started_from_2": str(today.year - 1),
        "started_to_0": str(today.day), "started_to_1": str(today.month), "started_to_2": str(today.year),
    }  # fmt: skip
    response = client.post(url, {**dates, "purpose": ""})
    assert response.status_code == 200 and not CohortExtract.objects.exists()
    response = client.post(url, {**dates, "purpose": "Evaluation of early help by the university, DSA 2026-14"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    extract = CohortExtract.objects.get()
    assert extract.rows == 1 and extract.requested_by == world["datamanager"]
    event = AuditEvent.objects.get(action="monitoring.cohort_extracted")
    assert "university" in event.reason


def test_cohort_extract_holds_no_direct_identifiers(world, user_client) -> None:
    a = Assessment.objects.select_related("child").get(pk=world["a"].pk)
    child = a.child
    client = stepped_up(user_client(world["datamanager"]))
    today = clock.today()
    dates = {
        "started_from_0": "1", "started_from_1": "1", "started_from_2": str(today.year - 1),
        "started_to_0": str(today.day), "started_to_1": str(today.month), "started_to_2": str(today.year),
        "purpose": "Evaluation of early help by the university, DSA 2026-14",
    }  # fmt: skip
    first = client.post(reverse("monitoring:cohort_extract"), dates).content.decode()
    rows = _export_rows(first)
    assert len(rows) == 2
    text = first.lower()
    address = child.addresses.get(is_current=True)
    forbidden = [
        child.given_name, child.family_name, child.index_number, str(child.pk), str(a.pk), a.reference,
        child.date_of_birth.isoformat(), f"{child.date_of_birth:%d/%m/%Y}", address.postcode, address.postcode_norm,
        world["practitioner"].last_name, world["practitioner"].username,
    ]  # fmt: skip
    if child.nhs_number:
        forbidden.append(child.nhs_number)
    for value in forbidden:
        assert value.lower() not in text, value
    assert not re.search(r"\d{4}-\d{2}-\d{2}", first)  # no exact dates, months only
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-", first)  # no UUIDs
    header = rows[0]
    assert "age_band_at_start" in header and "date_of_birth" not in header
    assert rows[1][header.index("started_month")] == f"{a.started_on:%Y-%m}"


def test_quality_review_shows_what_it_reviews_without_who_the_child_is(world, user_client) -> None:
    from conftest import page_text
    from ecm.caf.tests.factories import FULL_SECTIONS

    child = world["a"].child
    page = user_client(world["coordinator"]).get(reverse("monitoring:quality_review", args=[world["a"].pk]))
    text = page_text(page)
    assert FULL_SECTIONS["conclusions"] in text and FULL_SECTIONS["general_health__needs"] in text
    assert child.display_name not in text and "1 Test Street" not in text
    event = AuditEvent.objects.filter(action="monitoring.quality_content_viewed").last()
    assert event is not None and event.object_id == str(world["a"].pk)
