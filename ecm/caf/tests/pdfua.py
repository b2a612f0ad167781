"""The machine-checkable essentials of PDF/UA-1 (ISO 14289-1) as the Matterhorn Protocol 1.1 lists them.

No full PDF/UA validator installs from PyPI, Debian or npm (veraPDF is a Java application distributed
from its own site), so the family's copy is checked here with pypdf against the failure conditions a
machine can decide. Each problem names its clause of ISO 14289-1 (and the Matterhorn checkpoint
where one number fits). What a person must still judge
(reading order makes sense, the tags fit the content, the alternative texts are right) is not checked.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from typing import Any

import pypdf
from pypdf.generic import ArrayObject, ContentStream, DictionaryObject, IndirectObject, NameObject, NumberObject

TEXT_OPERATORS = {b"Tj", b"TJ", b"'", b'"'}
PAINT_OPERATORS = {b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*", b"S", b"s", b"sh", b"Do", b"INLINE IMAGE"}
NAMESPACES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
}


def _resolve(value: Any) -> Any:
    return value.get_object() if isinstance(value, IndirectObject) else value


def _is_true(value: Any) -> bool:
    return getattr(value, "value", value) is True


def _ref(value: Any) -> Any:
    return value.idnum if isinstance(value, IndirectObject) else id(value)


def _number_tree(node: Any) -> dict[int, Any]:
    node = _resolve(node)
    found: dict[int, Any] = {}
    nums = node.get("/Nums", [])
    for i in range(0, len(nums), 2):
        found[int(nums[i])] = nums[i + 1]
    for kid in node.get("/Kids", []):
        found |= _number_tree(kid)
    return found


class _StructureWalk:
    """The structure tree in document order: element types, headings, figures, and every MCID's owner."""

    def __init__(self, root: Any, role_map: dict[str, str]) -> None:
        self.role_map = role_map
        self.types: list[str] = []
        self.figures_without_alt = 0
        self.owners: dict[tuple[Any, int], Any] = {}  # (page ref, MCID) -> structure element ref
        kids = root.get("/K")
        for kid in kids if isinstance(kids, ArrayObject) else [kids] if kids is not None else []:
            self._element(kid, None)

    def _element(self, ref: Any, page: Any) -> None:
        element = _resolve(ref)
        if not isinstance(element, DictionaryObject) or "/S" not in element:
            return
        kind = self.role_map.get(str(element["/S"]), str(element["/S"]))
        self.types.append(kind)
        if kind == "/Figure" and not element.get("/Alt") and not element.get("/ActualText"):
            self.figures_without_alt += 1
        page = element.get("/Pg", page)
        kids = element.get("/K")
        for kid in kids if isinstance(kids, ArrayObject) else [kids] if kids is not None else []:
            value = _resolve(kid)
            if isinstance(value, (NumberObject, int)):
                self.owners[(_ref(page), int(value))] = _ref(ref)
            elif isinstance(value, DictionaryObject) and value.get("/Type") == "/MCR":
                self.owners[(_ref(value.get("/Pg", page)), int(value["/MCID"]))] = _ref(ref)
            elif isinstance(value, DictionaryObject) and "/S" in value:
                self._element(kid, page)


def _page_content(page: Any, reader: pypdf.PdfReader) -> tuple[list[int], list[str]]:
    """The MCIDs a page's content uses, and what it shows outside tagged or artifact content."""
    contents = page.get_contents()
    if contents is None:
        return [], []
    stack: list[tuple[str, int | None]] = []
    mcids: list[int] = []
    untagged: list[str] = []
    for operands, operator in ContentStream(contents, reader).operations:
        if operator == b"BDC":
            properties = _resolve(operands[1])
            if isinstance(properties, NameObject):  # a named property list in the page's resources
                properties = _resolve(page["/Resources"]["/Properties"][properties])
            mcid = properties.get("/MCID") if isinstance(properties, DictionaryObject) else None
            stack.append((str(operands[0]), None if mcid is None else int(mcid)))
            if mcid is not None:
                mcids.append(int(mcid))
        elif operator == b"BMC":
            stack.append((str(operands[0]), None))
        elif operator == b"EMC":
            if not stack:
                untagged.append("EMC without BDC or BMC")
            else:
                stack.pop()
        elif operator in TEXT_OPERATORS or operator in PAINT_OPERATORS:
            inside = any(tag == "/Artifact" or mcid is not None for tag, mcid in stack)
            if not inside:
                untagged.append(operator.decode("latin-1"))
    if stack:
        untagged.append(f"{len(stack)} marked-content sequence(s) left open")
    return mcids, untagged


def _fonts_problems(page: Any) -> list[str]:
    problems = []
    fonts = _resolve(_resolve(page.get("/Resources", {})).get("/Font", {}))
    for name, ref in fonts.items():
        font = _resolve(ref)
        if font.get("/Subtype") == "/Type3":
            continue
        described = _resolve(font["/DescendantFonts"][0]) if font.get("/Subtype") == "/Type0" else font
        descriptor = _resolve(described.get("/FontDescriptor", {}))
        if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
            problems.append(f"§7.21.4.1 font {name} ({font.get('/BaseFont')}) is not embedded")
        if "/ToUnicode" not in font:
            problems.append(f"§7.21.7 font {name} ({font.get('/BaseFont')}) has no ToUnicode map")
    return problems


def _metadata_problems(root: Any, reader: pypdf.PdfReader) -> list[str]:
    if "/Metadata" not in root:
        return ["§7.1 (Matterhorn 06-001) no XMP metadata stream in the catalog"]
    xml = _resolve(root["/Metadata"]).get_data().decode("utf-8")
    tree = ET.fromstring(re.sub(r"<\?xpacket[^>]*\?>", "", xml).strip())
    problems = []
    parts = [e.text for e in tree.iter(f"{{{NAMESPACES['pdfuaid']}}}part")]
    parts += [e.get(f"{{{NAMESPACES['pdfuaid']}}}part") for e in tree.iter(f"{{{NAMESPACES['rdf']}}}Description")]
    if "1" not in [p.strip() for p in parts if p]:
        problems.append("§5 (Matterhorn 06-002) the XMP metadata has no PDF/UA identifier pdfuaid:part = 1")
    titles = [e.text for e in tree.iterfind(".//dc:title//rdf:li", NAMESPACES) if e.text and e.text.strip()]
    if not titles:
        problems.append("§7.1 (Matterhorn 06-003) the XMP metadata has no dc:title")
    info = reader.metadata
    if titles and info is not None and info.title and info.title != titles[0]:
        problems.append("§7.1 the document information title and dc:title differ")
    return problems


def pdfua_problems(data: bytes) -> list[str]:
    """What fails, each with its Matterhorn checkpoint; empty when every machine-checkable essential holds."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    root = _resolve(reader.trailer["/Root"])
    problems: list[str] = []
    mark_info = _resolve(root.get("/MarkInfo", {}))
    if not _is_true(mark_info.get("/Marked")):
        problems.append("§7.1 /MarkInfo /Marked is not true")
    if not str(root.get("/Lang", "")).strip():
        problems.append("§7.2 the catalog has no /Lang (natural language)")
    preferences = _resolve(root.get("/ViewerPreferences", {}))
    if not _is_true(preferences.get("/DisplayDocTitle")):
        problems.append("§7.1 (Matterhorn 07-001, 07-002) /ViewerPreferences /DisplayDocTitle is not true")
    problems += _metadata_problems(root, reader)
    if "/StructTreeRoot" not in root:
        problems.append("§7.1 no structure tree (/StructTreeRoot)")
    tree_root = _resolve(root.get("/StructTreeRoot", DictionaryObject()))
    if "/StructTreeRoot" in root and "/ParentTree" not in tree_root:
        problems.append("§7.1 the structure tree has no /ParentTree")
    parent_tree = _number_tree(tree_root["/ParentTree"]) if "/ParentTree" in tree_root else {}
    role_map = {str(k): str(v) for k, v in _resolve(tree_root.get("/RoleMap", {})).items()}
    walk = _StructureWalk(tree_root, role_map)

    headings = [int(t[2:]) for t in walk.types if re.fullmatch(r"/H[1-6]", t)]
    if "/H" in walk.types and headings:
        problems.append("§7.4.4 (Matterhorn 14-007) numbered and unnumbered headings are mixed")
    if headings and headings[0] != 1:
        problems.append(f"§7.4.2 (Matterhorn 14-002) the first heading is H{headings[0]}, not H1")
    for before, after in zip(headings, headings[1:], strict=False):
        if after > before + 1:
            problems.append(f"§7.4.2 (Matterhorn 14-003) heading level skipped: H{before} then H{after}")
    if walk.figures_without_alt:
        problems.append(f"§7.3 (Matterhorn 13-004) {walk.figures_without_alt} figure(s) without alternative text")

    for number, page in enumerate(reader.pages, start=1):
        where = f"page {number}"
        if page.get("/Tabs") != "/S":
            problems.append(f"§7.18.3 {where}: tab order /Tabs is not /S (structure order)")
        mcids, untagged = _page_content(page, reader)
        if untagged:
            shown = sorted(set(untagged))
            problems.append(f"§7.1 (Matterhorn 01-005) {where}: content neither tagged nor an artifact: {shown}")
        page_ref = page.indirect_reference.idnum
        unowned = [m for m in mcids if (page_ref, m) not in walk.owners]
        if unowned:
            problems.append(f"§7.1 {where}: marked content {unowned} belongs to no structure element")
        if mcids:
            if "/StructParents" not in page:
                problems.append(f"§7.1 {where}: no /StructParents key to the parent tree")
            else:
                parents = _resolve(parent_tree.get(int(page["/StructParents"]), ArrayObject()))
                for mcid in mcids:
                    owner = walk.owners.get((page_ref, mcid))
                    listed = _ref(parents[mcid]) if mcid < len(parents) else None
                    if owner is not None and listed != owner:
                        problems.append(f"§7.1 {where}: the parent tree does not lead MCID {mcid} to its element")
        problems += [f"{where}: {p}" for p in _fonts_problems(page)]
    return problems
