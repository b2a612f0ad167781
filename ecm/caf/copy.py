"""The family's copy of the assessment and plan, in plain words: one structure for the page, the easy-read
page and the PDFs (standard, large print, easy read).

Every family-facing word goes through Django's translation machinery (``gettext``): a council adds a
language with ``manage.py makemessages -l <code>`` in ``ecm/caf/``, translates ``locale/<code>/LC_MESSAGES/
django.po`` and runs ``compilemessages`` (see docs/caf.md). The child's and practitioners' own words stay
as they were written.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ecm.caf.choices import CafStatus, ClosureReason, MemberKind, Progress
from ecm.caf.framework import ELEMENT_CODES, SECTIONS, section_fields
from ecm.caf.models import Assessment
from ecm.caf.services import current_lead, latest_data, vetting_current
from ecm.core import clock

FONTS = Path(__file__).resolve().parent / "fonts"

# The professionals' element names, in words a family uses.
PLAIN_ELEMENTS: dict[str, Any] = {
    "general_health": gettext_lazy("Health"),
    "physical_development": gettext_lazy("Growing and moving"),
    "speech_language": gettext_lazy("Talking, listening and understanding"),
    "emotional_social": gettext_lazy("Feelings and getting on with people"),
    "behavioural": gettext_lazy("Behaviour"),
    "identity": gettext_lazy("How they see themselves"),
    "family_social_relationships": gettext_lazy("Family and friends"),
    "self_care": gettext_lazy("Looking after themselves"),
    "understanding": gettext_lazy("Understanding and solving problems"),
    "participation_learning": gettext_lazy("Going to school, college or work"),
    "progress_learning": gettext_lazy("How they are getting on with learning"),
    "aspirations": gettext_lazy("Hopes and plans"),
    "basic_care": gettext_lazy("Day-to-day care and keeping safe"),
    "emotional_warmth": gettext_lazy("Love and a settled home"),
    "guidance_boundaries": gettext_lazy("Rules, routines and new experiences"),
    "family_history": gettext_lazy("How the family is getting on"),
    "wider_family": gettext_lazy("Other family"),
    "housing_employment_finance": gettext_lazy("Home, work and money"),
    "social_community": gettext_lazy("Friends, clubs and local services"),
}

PLAIN_FIELDS: dict[str, Any] = {
    "names": gettext_lazy("Names"),
    "gender": gettext_lazy("Gender"),
    "date_of_birth": gettext_lazy("Date of birth"),
    "address": gettext_lazy("Address"),
    "telephone": gettext_lazy("Telephone"),
    "ethnicity": gettext_lazy("Ethnicity"),
    "religion": gettext_lazy("Religion"),
    "first_language_child": gettext_lazy("Your child's first language"),
    "first_language_parents": gettext_lazy("Parents' first language"),
    "disability": gettext_lazy("Disability"),
    "interpreter": gettext_lazy("Interpreter or signer"),
    "immigration_status": gettext_lazy("Immigration status"),
    "identifiers": gettext_lazy("Reference numbers"),
    "parents_carers": gettext_lazy("Parents and carers"),
    "home_situation": gettext_lazy("Your family and home now"),
    "assessor": gettext_lazy("Who did the assessment"),
    "lead_professional": gettext_lazy("Lead professional"),
    "services": gettext_lazy("Services working with you"),
    "reason": gettext_lazy("Why we did the assessment"),
    "present": gettext_lazy("Who was there"),
    "conclusions": gettext_lazy("What we agreed"),
    "child_comments": gettext_lazy("What the child or young person said"),
    "parent_comments": gettext_lazy("What the parent or carer said"),
}

PLAIN_SECTIONS: dict[str, Any] = {
    "identifying": gettext_lazy("About your child"),
    "family": gettext_lazy("Your family"),
    "assessor": gettext_lazy("About the assessment"),
    "development": gettext_lazy("How your child is doing"),
    "parents": gettext_lazy("Looking after your child"),
    "family_environment": gettext_lazy("Family, home and community"),
    "conclusions": gettext_lazy("What we agreed, and what you said"),
}

PLAIN_CLOSURE: dict[str, Any] = {
    ClosureReason.NEEDS_MET: gettext_lazy("The help you needed is in place. Everyday services carry on."),
    ClosureReason.WITHDREW: gettext_lazy("You decided to stop, or we lost touch."),
    ClosureReason.MOVED: gettext_lazy("You moved to another area. The team there carries on."),
    ClosureReason.STEPPED_UP: gettext_lazy("Children's social care is now helping your family."),
    ClosureReason.ADULT_SERVICES: gettext_lazy("Services for adults are now helping."),
    ClosureReason.OTHER: gettext_lazy("It has ended."),
}

PLAIN_PROGRESS: dict[str, Any] = {
    Progress.NOT_STARTED: gettext_lazy("Not started yet"),
    Progress.NO_PROGRESS: gettext_lazy("Started, no change yet"),
    Progress.SOME_PROGRESS: gettext_lazy("Getting better"),
    Progress.GOOD_PROGRESS: gettext_lazy("Going well"),
    Progress.ACHIEVED: gettext_lazy("Done"),
}


@dataclass
class CopySection:
    title: str
    rows: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Contact:
    name: str
    role: str
    organisation: str
    phone: str
    email: str

    @property
    def line(self) -> str:
        parts = [self.name]
        if self.role:
            parts.append(self.role)
        if self.organisation:
            parts.append(self.organisation)
        reach = " / ".join(p for p in (self.phone, self.email) if p)
        return ", ".join(parts) + (f" ({reach})" if reach else "")


def _day(value: dt.date | None) -> str:
    return formats.date_format(value, "j F Y") if value else ""


def _plain_label(key: str, label: str) -> str:
    code, _sep, part = key.partition("__")
    if code in ELEMENT_CODES and part in ("strengths", "needs"):
        topic = str(PLAIN_ELEMENTS.get(code, label))
        if part == "strengths":
            return _("%(topic)s: what is going well") % {"topic": topic}
        return _("%(topic)s: what help is needed") % {"topic": topic}
    return str(PLAIN_FIELDS.get(key, label))


def _contact(member: Any) -> Contact:
    user = member.user
    organisation = member.organisation or getattr(user, "organisation", None)
    if user is not None and not vetting_current(user):
        # Not offered as the family's contact: the organisation answers instead.
        return Contact(
            name=organisation.name if organisation else member.name,
            role=_("contact the service"),
            organisation="",
            phone=getattr(organisation, "phone", "") or "",
            email=getattr(organisation, "email", "") or "",
        )
    return Contact(
        name=member.name,
        role=getattr(user, "job_title", "") or "",
        organisation=organisation.name if organisation else "",
        phone=getattr(user, "phone", "") or getattr(organisation, "phone", "") or "",
        email=getattr(user, "email", "") or "",
    )


def _status(assessment: Assessment) -> tuple[str, str]:
    if assessment.status == CafStatus.CLOSED:
        why = str(PLAIN_CLOSURE.get(assessment.closure_reason, PLAIN_CLOSURE[ClosureReason.OTHER]))
        return _("Closed on %(date)s.") % {"date": _day(assessment.closed_on)}, why
    if assessment.status == CafStatus.DRAFT:
        return _("Being written with you. It is not finished yet."), ""
    return _("Open: the team is working with you."), ""


def _lead(assessment: Assessment) -> dict[str, Any]:
    lead = current_lead(assessment)
    if lead is None and assessment.status == CafStatus.CLOSED:
        lead = assessment.leads.select_related("member", "supporting_member").order_by("-started_on").first()
        if lead is not None:
            text = _("Your lead professional was %(name)s, until %(date)s.") % {
                "name": lead.member.name,
                "date": _day(lead.ended_on or assessment.closed_on),
            }
            return {"text": text, "contact": None}
    if lead is None:
        return {"text": _("Not chosen yet. It is usually agreed at the first team meeting."), "contact": None}
    if lead.family_leads and lead.supporting_member is not None:
        who = _("you") if lead.member.kind == MemberKind.PARENT else lead.member.name
        text = _("%(who)s lead, with help from %(helper)s.") % {"who": who, "helper": lead.supporting_member.name}
        return {"text": text[:1].upper() + text[1:], "contact": _contact(lead.supporting_member)}
    contact = _contact(lead.member)
    return {"text": contact.line, "contact": contact}


def family_copy(assessment: Assessment) -> dict[str, Any]:
    """What the family receives: status, lead professional, team contacts, next review or closure and why,
    the assessment in plain words, and the plan. Call inside ``translation.override`` for another language."""
    data = latest_data(assessment)
    withheld = set(assessment.consent.withheld_elements)
    sections = []
    for section in SECTIONS:
        rows = [
            (_plain_label(key, label), data[key]) for key, label in section_fields(section, withheld) if data.get(key)
        ]
        sections.append(CopySection(str(PLAIN_SECTIONS.get(section.slug, section.title)), rows))
    status, closure_why = _status(assessment)
    team = [
        _contact(m)
        for m in assessment.members.filter(removed_on__isnull=True, kind=MemberKind.PRACTITIONER).select_related(
            "user", "organisation", "user__organisation"
        )
    ]
    actions = [
        {
            "what": a.what,
            "who": a.responsible.name,
            "by": _day(a.due_on),
            "progress": str(PLAIN_PROGRESS.get(a.progress, a.get_progress_display())),
        }
        for a in assessment.actions.select_related("responsible")
    ]
    is_open = assessment.status != CafStatus.CLOSED
    return {
        "title": _("Your family's copy: the assessment and plan for %(name)s")
        % {"name": assessment.child.display_name},
        "child_name": assessment.child.display_name,
        "reference": assessment.reference,
        "version": assessment.version,
        "started_on": _day(assessment.started_on),
        "completed_on": _day(assessment.completed_on),
        "status": status,
        "closure_why": closure_why,
        "lead": _lead(assessment),
        "team": team,
        "next_review_on": _day(assessment.next_review_on) if is_open else "",
        "sections": sections,
        "actions": actions,
        "labels": {
            "status": _("Where things are"),
            "lead": _("Your lead professional"),
            "team": _("The team working with you"),
            "next_review": _("Next review"),
            "no_review": _("No review is planned."),
            "closed_why": _("Why it closed"),
            "plan": _("What we will do"),
            "no_actions": _("Nothing agreed yet."),
            "who": _("Who"),
            "by": _("By"),
            "progress": _("How it is going"),
            "nothing": _("Nothing written."),
            "reference": _("Reference %(reference)s, version %(version)s.")
            % {"reference": assessment.reference, "version": assessment.version},
            "started": _("Started %(date)s.") % {"date": _day(assessment.started_on)},
            "questions": _("If something is wrong or you have questions, contact your lead professional."),
        },
        "easy": {
            "title": _("About %(name)s: your plan") % {"name": assessment.child.display_name},
            "intro": _("We talked with you about %(name)s.") % {"name": assessment.child.display_name},
            "intro2": _("This tells you what we agreed."),
            "helper": _("The person who helps you"),
            "doing": _("What we will do"),
            "when": _("When we meet again"),
            "help": _("If you need help"),
            "help_text": _("Call or write to the person who helps you."),
        },
    }


# The PDF --------------------------------------------------------------------------------------------------

SIZES = {
    # body, heading 1, heading 2, line height factor
    "standard": (12, 20, 15, 0.55),
    "large": (18, 28, 22, 0.55),
    "easy": (18, 28, 22, 0.6),
}


def _xmp(title: str, language: str, created: dt.datetime) -> str:
    """XMP metadata for PDF/UA-1: the title (dc:title, as the window shows it), the language and the
    PDF/UA identifier (pdfuaid:part 1)."""
    from xml.sax.saxutils import escape

    when = created.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:xmp="http://ns.adobe.com/xap/1.0/"'
        ' xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">'
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(title)}</rdf:li></rdf:Alt></dc:title>'
        f"<dc:language><rdf:Bag><rdf:li>{escape(language)}</rdf:li></rdf:Bag></dc:language>"
        "<dc:format>application/pdf</dc:format>"
        "<xmp:CreatorTool>Every Child Matters</xmp:CreatorTool>"
        f"<xmp:CreateDate>{when}</xmp:CreateDate>"
        "<pdfuaid:part>1</pdfuaid:part>"
        "</rdf:Description></rdf:RDF></x:xmpmeta>"
    )


def _pdf_class() -> Any:
    from fpdf import FPDF
    from fpdf.output import PDFPage
    from fpdf.syntax import Name

    class PageInStructureOrder(PDFPage):  # type: ignore[misc]
        """A page whose tab order follows the structure tree (``/Tabs /S``, PDF/UA-1 7.18.3)."""

        __slots__ = ()
        tabs = Name("S")

    class TaggedPDF(FPDF):  # type: ignore[misc]
        """fpdf2 with each heading and paragraph marked as a structure element (H1, H2, P) in the tag tree."""

        @contextmanager
        def tagged(self, struct_type: str) -> Any:
            mcid = self.struct_builder.next_mcid_for_page(self.page)
            self._add_marked_content(struct_type=f"/{struct_type}", mcid=mcid)
            self._out(f"/{struct_type} <</MCID {mcid}>> BDC")
            yield
            self._out("EMC")

        def output(self, *args: Any, **kwargs: Any) -> Any:
            for page in self.pages.values():
                page.__class__ = PageInStructureOrder
            return super().output(*args, **kwargs)

    return TaggedPDF


def family_copy_pdf(copy: dict[str, Any], *, version: str = "standard") -> bytes:
    """An accessible PDF of the family's copy: embedded Unicode fonts (DejaVu Sans), the document language
    and title (shown as the window title), and every heading and paragraph tagged (H1, H2, P) in reading
    order, tab order by structure, XMP metadata with the PDF/UA-1 identifier. fpdf2 has no public PDF/UA
    mode: the tags are written through its marked-content builder; the machine-checkable essentials of
    PDF/UA-1 are checked by ``ecm/caf/tests/test_family_copy_pdfua.py`` (see docs/caf.md).

    ``version``: "standard" (12 pt), "large" (large print: 18 pt body, 28 pt headings) or "easy" (easy
    read: short sentences, 18 pt).
    """
    from django.utils.translation import get_language

    body, h1, h2, factor = SIZES.get(version, SIZES["standard"])
    pdf = _pdf_class()(format="A4")
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    # Shaping (HarfBuzz) joins Arabic-script letters and lays right-to-left text out in order, so a
    # family's name in Arabic or Urdu prints as written; Latin text is unchanged.
    pdf.set_text_shaping(True)
    title = copy["easy"]["title"] if version == "easy" else copy["title"]
    language = get_language() or "en-GB"
    created = clock.now()
    pdf.set_title(title)
    pdf.set_lang(language)
    pdf.set_creator("Every Child Matters")
    pdf.set_creation_date(created)
    pdf.set_xmp_metadata(_xmp(title, language, created))
    pdf.set_display_mode("fullwidth")
    pdf.viewer_preferences = _viewer_preferences()
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def block(text: str, size: int, style: str, tag: str) -> None:
        """One heading or paragraph, kept on one page when it fits. A marked-content sequence cannot
        cross a page, so a paragraph longer than a page goes on as a new paragraph on the next."""
        pdf.set_font("DejaVu", style, size)
        height = size * factor
        lines = pdf.multi_cell(width, height, text, dry_run=True, output="LINES")
        page_lines = int((pdf.page_break_trigger - pdf.t_margin) / height)
        if pdf.will_page_break(height * len(lines) + 2) and len(lines) <= page_lines:
            pdf.add_page()
        while lines:
            room = int((pdf.page_break_trigger - pdf.y) / height)
            if room < 1:
                pdf.add_page()
                continue
            chunk, lines = lines[:room], lines[room:]
            with pdf.tagged(tag):
                pdf.multi_cell(width, height, "\n".join(chunk), new_x="LMARGIN", new_y="NEXT")
            if lines:
                pdf.add_page()
        pdf.ln(size * 0.25)

    def heading(text: str, level: int = 2) -> None:
        block(text, h1 if level == 1 else h2, "B", f"H{level}")

    def para(text: str, style: str = "") -> None:
        block(text, body, style, "P")

    labels = copy["labels"]
    if version == "easy":
        easy = copy["easy"]
        heading(easy["title"], 1)
        para(easy["intro"])
        para(easy["intro2"])
        heading(easy["helper"])
        para(copy["lead"]["text"])
        heading(easy["doing"])
        if not copy["actions"]:
            para(labels["no_actions"])
        for action in copy["actions"]:
            para(action["what"], "B")
            para(f"{labels['who']}: {action['who']}.")
            para(f"{labels['by']}: {action['by']}.")
        heading(easy["when"])
        para(copy["next_review_on"] or labels["no_review"])
        if copy["closure_why"]:
            heading(labels["closed_why"])
            para(copy["status"])
            para(copy["closure_why"])
        heading(easy["help"])
        para(easy["help_text"])
        return bytes(pdf.output())

    heading(copy["title"], 1)
    para(f"{labels['reference']} {labels['started']}")
    heading(labels["status"])
    para(copy["status"])
    if copy["closure_why"]:
        para(f"{labels['closed_why']}: {copy['closure_why']}")
    heading(labels["lead"])
    para(copy["lead"]["text"])
    heading(labels["team"])
    for contact in copy["team"]:
        para(contact.line)
    heading(labels["next_review"])
    para(copy["next_review_on"] or labels["no_review"])
    for section in copy["sections"]:
        heading(section.title)
        if not section.rows:
            para(labels["nothing"])
        for label, value in section.rows:
            para(label, "B")
            para(value)
    heading(labels["plan"])
    if not copy["actions"]:
        para(labels["no_actions"])
    for action in copy["actions"]:
        para(action["what"], "B")
        para(
            f"{labels['who']}: {action['who']}. {labels['by']}: {action['by']}. "
            f"{labels['progress']}: {action['progress']}."
        )
    para(labels["questions"])
    return bytes(pdf.output())


def _viewer_preferences() -> Any:
    from fpdf import ViewerPreferences

    return ViewerPreferences(display_doc_title=True)
