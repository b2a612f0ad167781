"""The released package: redactions applied, then rendered as JSON (for machines) and PDF (for people).

Both formats come from the same redacted structure (see ``ecm.rights.package``), so a redaction
cannot reach one and not the other.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from typing import Any

REDACTED = "[Redacted: {}]"


def package_paths(data: dict[str, Any]) -> dict[str, str]:
    """Every redactable path (items and their fields) with a plain description."""
    paths: dict[str, str] = {}
    for section in data.get("sections", []):
        for item in section["items"]:
            paths[item["path"]] = item["title"]
            for f in item["fields"]:
                paths[f"{item['path']}/{f['key']}"] = f"{item['title']}: {f['label']}"
    return paths


def package_redact(data: dict[str, Any], redactions: Mapping[str, str]) -> dict[str, Any]:
    """A copy of the package with every redacted value replaced by ``[Redacted: <reason>]``.

    ``redactions`` maps a path (an item or one field) to the reason's label.
    """
    out = copy.deepcopy(data)
    for section in out.get("sections", []):
        for item in section["items"]:
            whole = redactions.get(item["path"])
            for f in item["fields"]:
                reason = whole or redactions.get(f"{item['path']}/{f['key']}")
                if reason:
                    f["value"] = REDACTED.format(reason)
                    f["redacted"] = True
            if whole:
                item["redacted"] = True
    out["redactions"] = [{"path": p, "reason": r} for p, r in sorted(redactions.items())]
    return out


def package_json(released: dict[str, Any]) -> bytes:
    """The machine-readable package (UTF-8 JSON, stable key order)."""
    return json.dumps(released, indent=2, sort_keys=True, ensure_ascii=False).encode("utf-8")


def _latin(value: Any) -> str:
    """Text as it goes into the PDF: the embedded DejaVu Sans font prints any name, whatever its script."""
    return str(value)


def package_pdf(released: dict[str, Any]) -> bytes:
    """The package for people: a plain, tagged-language A4 PDF of the same (redacted) structure."""
    from fpdf import FPDF

    from ecm.caf.copy import FONTS

    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))  # embedded: any name prints
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.add_font("DejaVu", "I", str(FONTS / "DejaVuSans.ttf"))
    title = f"Information held about {released['child']['name']}"
    pdf.set_title(_latin(title))
    pdf.set_lang("en-GB")
    pdf.set_creator("Every Child Matters")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def write(value: str, size: int = 11, style: str = "", height: float = 5.5) -> None:
        pdf.set_font("DejaVu", style, size)
        pdf.multi_cell(width, height, _latin(value), new_x="LMARGIN", new_y="NEXT")

    write(title, 20, "B", 9)
    write(f"Index number {released['child']['index_number']}")
    write(f"Subject access request {released['request']['reference']}, received {released['request']['received_on']}")
    write(f"Compiled {released['compiled_at']}")
    if released.get("redactions"):
        write(f"{len(released['redactions'])} item(s) or detail(s) have been withheld; each says why.", style="I")
    for section in released["sections"]:
        pdf.ln(4)
        write(section["title"], 15, "B", 7)
        if not section["items"]:
            write("Nothing held.")
        for item in section["items"]:
            pdf.ln(1.5)
            write(item["title"], 12, "B", 6)
            for f in item["fields"]:
                if f["value"]:
                    write(f"{f['label']}: {f['value']}")
    return bytes(pdf.output())
