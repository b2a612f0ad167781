"""The family's copy of the assessment and plan: one plain structure for the printable page and the PDF."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ecm.caf.framework import SECTIONS, section_fields
from ecm.caf.models import Assessment
from ecm.caf.services import current_lead, latest_data


@dataclass
class CopySection:
    title: str
    rows: list[tuple[str, str]] = field(default_factory=list)


def family_copy(assessment: Assessment) -> dict[str, Any]:
    """What the family receives: the assessment as written, the plan, the lead professional and reviews."""
    data = latest_data(assessment)
    withheld = set(assessment.consent.withheld_elements)
    sections = []
    for section in SECTIONS:
        rows = [(label, data[key]) for key, label in section_fields(section, withheld) if data.get(key)]
        sections.append(CopySection(section.title, rows))
    lead = current_lead(assessment)
    actions = [
        (a.what, a.responsible.name, f"{a.due_on:%-d %B %Y}", a.get_outcome_display(), a.get_progress_display())
        for a in assessment.actions.select_related("responsible")
    ]
    return {
        "title": f"Common Assessment Framework for {assessment.child.display_name}",
        "reference": assessment.reference,
        "version": assessment.version,
        "started_on": assessment.started_on,
        "completed_on": assessment.completed_on,
        "sections": sections,
        "lead": lead.member.name if lead else "Not yet appointed",
        "actions": actions,
        "next_review_on": assessment.next_review_on,
    }


def _latin(text: Any) -> str:
    """The PDF's built-in fonts are Latin-1; curly quotes and dashes are mapped, anything else replaced."""
    value = str(text).replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    value = value.replace("\u2013", "-").replace("\u2014", "-")
    return value.encode("latin-1", "replace").decode("latin-1")


def family_copy_pdf(copy: dict[str, Any]) -> bytes:
    """A large-print, plain PDF of the family's copy (fpdf2, pure Python)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_title(_latin(copy["title"]))
    pdf.set_lang("en-GB")
    pdf.set_creator("Every Child Matters")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def heading(text: str, size: int) -> None:
        pdf.set_font("Helvetica", "B", size)
        pdf.multi_cell(width, size * 0.5, _latin(text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)

    def line(text: str, style: str = "") -> None:
        pdf.set_font("Helvetica", style, 14)
        pdf.multi_cell(width, 7, _latin(text), new_x="LMARGIN", new_y="NEXT")

    heading(copy["title"], 22)
    line(f"Reference {copy['reference']}, version {copy['version']}")
    line(f"Started {copy['started_on']:%-d %B %Y}")
    if copy["completed_on"]:
        line(f"Completed {copy['completed_on']:%-d %B %Y}")
    line(f"Lead professional: {copy['lead']}")
    pdf.ln(4)
    for section in copy["sections"]:
        heading(section.title, 18)
        if not section.rows:
            line("Nothing recorded.")
        for label, value in section.rows:
            line(label, "B")
            line(value)
            pdf.ln(2)
        pdf.ln(3)
    heading("Delivery plan", 18)
    if not copy["actions"]:
        line("No actions agreed yet.")
    for what, who, due, outcome, progress in copy["actions"]:
        line(what, "B")
        line(f"Who: {who}. By: {due}. Outcome: {outcome}. Progress: {progress}.")
        pdf.ln(2)
    if copy["next_review_on"]:
        heading("Next review", 18)
        line(f"{copy['next_review_on']:%-d %B %Y}")
    return bytes(pdf.output())
