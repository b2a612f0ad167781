"""Every PDF of the family's copy meets the machine-checkable essentials of PDF/UA-1 (see pdfua.py)."""

from __future__ import annotations

import io

import pypdf
import pytest
from django.urls import reverse
from fpdf import FPDF

from ecm.accounts.tests.factories import UserFactory
from ecm.caf import services
from ecm.caf.choices import MemberKind, Outcome
from ecm.caf.tests.factories import complete_caf
from ecm.caf.tests.pdfua import pdfua_problems
from ecm.core import clock
from ecm.index.tests.factories import ChildFactory

pytestmark = pytest.mark.django_db

LONG = "We talked about mornings, school and sleep. " * 40  # long enough for the copy to run over pages


def _caf(author, given: str, family: str):
    child = ChildFactory(given_name=given, family_name=family)
    assessment = complete_caf(author, child)
    services.assessment_save_section(actor=author, assessment=assessment, values={"home_situation": LONG})
    own = assessment.members.get(user=author)
    services.lead_professional_offer(actor=author, assessment=assessment, member=own, meeting=None, reason="r")
    services.team_member_add(actor=author, assessment=assessment, kind=MemberKind.PARENT, name="Jo")
    services.action_add(
        actor=author,
        assessment=assessment,
        what="Health check",
        responsible=own,
        due_on=clock.today(),
        outcome_wanted="Headaches understood",
        outcome=Outcome.BE_HEALTHY,
    )
    return assessment


def test_every_family_pdf_meets_the_machine_checkable_pdf_ua_essentials(user_client) -> None:
    author = UserFactory(first_name="Ada", last_name="Author", job_title="Health visitor")
    latin = _caf(author, "Lily", "Smith")
    non_latin = _caf(author, "Ελένη", "Дмитриева-Łukasiewicz")
    arabic_script = _caf(author, "ليلى", "حداد")
    client = user_client(author)
    found = {}
    for name, assessment, version in (
        ("standard", latin, ""),
        ("large print", latin, "large"),
        ("easy read", latin, "easy"),
        ("non-Latin name", non_latin, ""),
        ("Arabic-script name", arabic_script, ""),
    ):
        url = reverse("caf:copy_pdf", args=[assessment.pk]) + (f"?version={version}" if version else "")
        data = client.get(url).content
        found[name] = pdfua_problems(data)
        reader = pypdf.PdfReader(io.BytesIO(data))
        text = "\n".join(page.extract_text() for page in reader.pages)
        assert assessment.child.display_name in text, name  # ToUnicode maps every glyph back
        if name == "standard":
            assert len(reader.pages) > 1  # the checks ran over a page break
            assert reader.xmp_metadata is not None and reader.xmp_metadata.dc_title["x-default"].startswith(
                "Your family's copy"
            )
    assert found == {name: [] for name in found}


def test_the_checks_find_what_an_untagged_pdf_lacks() -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(text="Not tagged")
    problems = " | ".join(pdfua_problems(bytes(pdf.output())))
    for expected in (
        "/MarkInfo /Marked is not true",
        "no /Lang",
        "/DisplayDocTitle is not true",
        "no XMP metadata stream",
        "no structure tree",
        "tab order /Tabs is not /S",
        "(/Helvetica) is not embedded",
        "(/Helvetica) has no ToUnicode map",
    ):
        assert expected in problems, expected


def test_the_checks_find_untagged_content_and_skipped_headings() -> None:
    from ecm.caf.copy import FONTS, _pdf_class

    pdf = _pdf_class()()
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.set_lang("en-GB")
    pdf.add_page()
    pdf.set_font("DejaVu", "", 12)
    with pdf.tagged("H2"):  # a document starting at H2, then H4
        pdf.cell(text="Second level first")
    with pdf.tagged("H4"):
        pdf.cell(text="Fourth level")
    pdf.cell(text="Outside any tag")
    problems = " | ".join(pdfua_problems(bytes(pdf.output())))
    assert "the first heading is H2, not H1" in problems
    assert "heading level skipped: H2 then H4" in problems
    assert "content neither tagged nor an artifact" in problems
