"""The family's copy: plain words, status and closure, lead and team contacts, accessible PDFs, translation."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pypdf
import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import trans_real

from ecm.accounts.tests.factories import UserFactory
from ecm.caf import services
from ecm.caf.choices import MemberKind, Outcome
from ecm.caf.copy import family_copy, family_copy_pdf
from ecm.caf.tests.factories import complete_caf
from ecm.core import clock
from ecm.index.tests.factories import ChildFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def caf(django_capture_on_commit_callbacks):
    author = UserFactory(first_name="Ada", last_name="Author", phone="0113 496 0000", job_title="Health visitor")
    nurse = UserFactory(first_name="Nia", last_name="Nurse")
    child = ChildFactory(given_name="Zoë", family_name="Łukasiewicz-Дмитриева")
    with django_capture_on_commit_callbacks(execute=True):
        assessment = complete_caf(author, child, allowed=[nurse.organisation])
        services.team_member_add(actor=author, assessment=assessment, kind=MemberKind.PRACTITIONER, user=nurse)
        own = assessment.members.get(user=author)
        services.lead_professional_offer(actor=author, assessment=assessment, member=own, meeting=None, reason="r")
        services.action_add(
            actor=author,
            assessment=assessment,
            what="Health check",
            responsible=own,
            due_on=clock.today(),
            outcome_wanted="Headaches understood",
            outcome=Outcome.BE_HEALTHY,
        )
    return {"author": author, "nurse": nurse, "child": child, "a": assessment}


def _text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_copy_says_status_lead_team_and_review_in_plain_words(caf) -> None:
    copy = family_copy(caf["a"])
    assert copy["status"] == "Open: the team is working with you."
    assert copy["lead"]["text"].startswith("Ada Author, Health visitor") and "0113 496 0000" in copy["lead"]["text"]
    assert {c.name for c in copy["team"]} == {"Ada Author", "Nia Nurse"}
    labels = [label for section in copy["sections"] for label, _v in section.rows]
    assert "Health: what help is needed" in labels
    assert "Emotional warmth and stability: strengths" not in labels  # professionals' names are not used
    assert "Love and a settled home: what is going well" in labels


def test_after_closure_the_copy_says_it_closed_why_and_who_led(caf) -> None:
    services.assessment_close(actor=caf["author"], assessment=caf["a"], reason="needs_met")
    copy = family_copy(caf["a"])
    assert copy["status"].startswith("Closed on ") and "Everyday services carry on" in copy["closure_why"]
    assert copy["lead"]["text"].startswith("Your lead professional was Ada Author, until")
    assert copy["next_review_on"] == ""


def test_the_pdfs_embed_a_unicode_font_are_tagged_and_large_print_is_large(caf, user_client) -> None:
    client = user_client(caf["author"])
    url = reverse("caf:copy_pdf", args=[caf["a"].pk])
    standard = client.get(url)
    assert standard["Content-Type"] == "application/pdf"
    text = _text(standard.content)
    assert "Zoë Łukasiewicz-Дмитриева" in text  # outside Latin-1: printed and extractable
    for words in ("Where things are", "Your lead professional", "The team working with you", "What we will do"):
        assert words in text, words
    reader = pypdf.PdfReader(io.BytesIO(standard.content))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"] and root["/Lang"]
    fonts = reader.pages[0]["/Resources"]["/Font"]
    assert any("DejaVu" in str(f.get_object()["/BaseFont"]) for f in fonts.values())
    descriptors = [f.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"] for f in fonts.values()]
    assert all("/FontFile2" in d.get_object() for d in descriptors)  # embedded

    def sizes(data: bytes) -> set[float]:
        found: set[float] = set()
        page = pypdf.PdfReader(io.BytesIO(data)).pages[0]
        page.extract_text(
            visitor_operand_before=lambda op, args, cm, tm: found.add(float(args[1])) if op == b"Tf" else None
        )
        return found

    large = client.get(url + "?version=large")
    assert min(sizes(large.content)) >= 18 and min(sizes(standard.content)) < 16
    easy = _text(client.get(url + "?version=easy").content)
    assert "The person who helps you" in easy and "When we meet again" in easy
    assert client.get(url + "?version=tiny").status_code == 404


def test_the_copy_pages_and_the_family_confirms_the_text_it_sees(caf, user_client) -> None:
    client = user_client(caf["author"])
    page = client.get(reverse("caf:copy", args=[caf["a"].pk])).content.decode()
    assert "large print (18 point)" in page and "Easy read page" in page and "Health check" in page
    easy = client.get(reverse("caf:copy", args=[caf["a"].pk]) + "?format=easy").content.decode()
    assert "The person who helps you" in easy

    # Before completing, the practitioner and the family see the whole text they confirm, not counts.
    child = ChildFactory()
    from ecm.caf.tests.factories import start_caf

    draft = start_caf(caf["author"], child)
    services.assessment_save_section(
        actor=caf["author"], assessment=draft, values={"reason": "Poor sleep", "conclusions": "Bedtime routine"}
    )
    page = client.get(reverse("caf:complete", args=[draft.pk])).content.decode()
    assert "Poor sleep" in page and "Bedtime routine" in page and "What the family confirms" in page


def test_the_copy_pages_styles_carry_the_responses_csp_nonce(caf, user_client) -> None:
    """The family's copy and its easy-read page print with their own styles: each <style> carries the nonce
    the response's style-src allows, or the browser refuses it."""
    client = user_client(caf["author"])
    url = reverse("caf:copy", args=[caf["a"].pk])
    for query in ("", "?format=easy"):
        response = client.get(url + query)
        html = response.content.decode()
        style_src = next(
            part.strip() for part in response["Content-Security-Policy"].split(";") if part.split()[0] == "style-src"
        )
        styles = re.findall(r"<style\b([^>]*)>", html)
        assert styles, query
        for attributes in styles:
            nonce = re.search(r'\bnonce="([^"]+)"', attributes)
            assert nonce and f"'nonce-{nonce[1]}'" in style_src, (query, attributes)


def test_family_facing_words_go_through_gettext(caf, tmp_path: Path, settings) -> None:
    """A council adds a language: a .po file under a locale directory, compiled, and the copy uses it."""
    po_dir = tmp_path / "locale" / "cy" / "LC_MESSAGES"
    po_dir.mkdir(parents=True)
    (po_dir / "django.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Where things are"\nmsgstr "Ble mae pethau"\n\n'
        'msgid "Open: the team is working with you."\nmsgstr "Ar agor: mae\'r tîm yn gweithio gyda chi."\n',
        encoding="utf-8",
    )
    subprocess.run(["msgfmt", "-o", str(po_dir / "django.mo"), str(po_dir / "django.po")], check=True)
    settings.LOCALE_PATHS = [str(tmp_path / "locale")]
    trans_real._translations = {}
    trans_real._default = None
    try:
        with translation.override("cy"):
            copy = family_copy(caf["a"])
            pdf = family_copy_pdf(copy)
        assert copy["labels"]["status"] == "Ble mae pethau"
        assert copy["status"] == "Ar agor: mae'r tîm yn gweithio gyda chi."
        assert "Ble mae pethau" in _text(pdf)
    finally:
        trans_real._translations = {}
        trans_real._default = None
