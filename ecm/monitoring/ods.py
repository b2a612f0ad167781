"""A minimal OpenDocument spreadsheet writer (no dependency): one sheet per table, text and numbers.

The zip holds ``mimetype`` first and stored (uncompressed), then ``content.xml``, ``styles.xml``,
``meta.xml`` and ``META-INF/manifest.xml``, as ODF 1.2 requires for a file to open.
"""

from __future__ import annotations

import io
import re
import zipfile
from xml.sax.saxutils import escape, quoteattr

from ecm.core.exports import safe_cell

MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
NUMBER = re.compile(r"^-?\d{1,3}(,\d{3})*$|^-?\d+$")
NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'office:version="1.2"'
)


def _cell(value: str) -> str:
    value = safe_cell(value)  # a formula-looking text cell starts with an apostrophe (ecm.core.exports)
    if NUMBER.match(value):
        number = value.replace(",", "")
        return (
            f'<table:table-cell office:value-type="float" office:value="{number}">'
            f"<text:p>{escape(value)}</text:p></table:table-cell>"
        )
    return f'<table:table-cell office:value-type="string"><text:p>{escape(value)}</text:p></table:table-cell>'


def _sheet_name(name: str, used: set[str]) -> str:
    clean = re.sub(r"[\[\]*?:/\\']", "", name)[:31] or "Sheet"
    candidate, n = clean, 2
    while candidate in used:
        candidate = f"{clean[:28]} {n}"
        n += 1
    used.add(candidate)
    return candidate


def ods_bytes(sheets: list[tuple[str, list[list[str]]]]) -> bytes:
    """An .ods file with one sheet per (name, rows of text)."""
    used: set[str] = set()
    body = []
    for name, rows in sheets:
        body.append(f"<table:table table:name={quoteattr(_sheet_name(name, used))}>")
        for row in rows:
            body.append("<table:table-row>" + "".join(_cell(str(v)) for v in row) + "</table:table-row>")
        body.append("</table:table>")
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {NS}>'
        f"<office:body><office:spreadsheet>{''.join(body)}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        f'<manifest:file-entry manifest:full-path="/" manifest:version="1.2" manifest:media-type="{MIMETYPE}"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>'
        '<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    styles = f'<?xml version="1.0" encoding="UTF-8"?><office:document-styles {NS}/>'
    meta = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-meta '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" office:version="1.2"/>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), MIMETYPE, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("styles.xml", styles, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("meta.xml", meta, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
