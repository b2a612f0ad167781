"""Structured identifying details of the CAF: the England 2021 census lists, languages, disability, gender.

A CAF version stores each answer as the words a reader sees (so versions, differences, the
family's copy and subject access need no look-up): ``"White: Irish"``, ``"Muslim"``,
``"Yes: autism, uses a communication book"``. :func:`parse` reads a stored answer back into
the choice and the words written in; an answer typed before the lists existed that matches
no choice is kept as it was (offered as "As recorded before: …" until someone chooses).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

NOT_KNOWN = "Not known"
PREFER_NOT = "Prefer not to say"

# ONS Census 2021 ethnic group, England: 5 high-level groups and 19 categories (TS021).
ETHNIC_GROUPS: list[tuple[str, list[str]]] = [
    ("Asian, Asian British or Asian Welsh", ["Bangladeshi", "Chinese", "Indian", "Pakistani", "Other Asian"]),
    ("Black, Black British, Black Welsh, Caribbean or African", ["African", "Caribbean", "Other Black"]),
    (
        "Mixed or Multiple ethnic groups",
        ["White and Asian", "White and Black African", "White and Black Caribbean", "Other Mixed or Multiple"],
    ),
    (
        "White",
        [
            "English, Welsh, Scottish, Northern Irish or British",
            "Irish",
            "Gypsy or Irish Traveller",
            "Roma",
            "Other White",
        ],
    ),
    ("Other ethnic group", ["Arab", "Any other ethnic group"]),
]
ETHNICITIES = [f"{group}: {category}" for group, categories in ETHNIC_GROUPS for category in categories]

# ONS Census 2021 religion, England (TS030); the question is voluntary.
RELIGIONS = ["No religion", "Christian", "Buddhist", "Hindu", "Jewish", "Muslim", "Sikh", "Any other religion"]

# Main languages of England and Wales at the 2021 census (TS024), the most spoken first, and sign languages.
LANGUAGES = [
    "English",
    "Polish",
    "Romanian",
    "Panjabi",
    "Urdu",
    "Portuguese",
    "Spanish",
    "Arabic",
    "Bengali (with Sylheti and Chatgaya)",
    "Gujarati",
    "Italian",
    "Chinese (all)",
    "French",
    "Lithuanian",
    "Tamil",
    "Turkish",
    "Bulgarian",
    "German",
    "Hungarian",
    "Persian or Farsi",
    "Pashto",
    "Somali",
    "Russian",
    "Greek",
    "Kurdish",
    "Malayalam",
    "Yoruba",
    "Nepalese",
    "Ukrainian",
    "Tigrinya",
    "Hindi",
    "Latvian",
    "Welsh",
    "British Sign Language",
    "Other language",
]

GENDERS = ["Female", "Male", "Another gender"]
DISABILITY = ["Yes", "No"]

# Words people typed before the lists, mapped onto a choice (lower case, without punctuation).
SYNONYMS: dict[str, dict[str, str]] = {
    "ethnicity": {
        "white british": "White: English, Welsh, Scottish, Northern Irish or British",
        "british": "White: English, Welsh, Scottish, Northern Irish or British",
        "white english": "White: English, Welsh, Scottish, Northern Irish or British",
        "english": "White: English, Welsh, Scottish, Northern Irish or British",
        "white irish": "White: Irish",
        "irish": "White: Irish",
        "gypsy": "White: Gypsy or Irish Traveller",
        "traveller": "White: Gypsy or Irish Traveller",
        "roma": "White: Roma",
        "white other": "White: Other White",
        "other white": "White: Other White",
        "indian": "Asian, Asian British or Asian Welsh: Indian",
        "british indian": "Asian, Asian British or Asian Welsh: Indian",
        "pakistani": "Asian, Asian British or Asian Welsh: Pakistani",
        "british pakistani": "Asian, Asian British or Asian Welsh: Pakistani",
        "bangladeshi": "Asian, Asian British or Asian Welsh: Bangladeshi",
        "chinese": "Asian, Asian British or Asian Welsh: Chinese",
        "black african": "Black, Black British, Black Welsh, Caribbean or African: African",
        "african": "Black, Black British, Black Welsh, Caribbean or African: African",
        "black caribbean": "Black, Black British, Black Welsh, Caribbean or African: Caribbean",
        "caribbean": "Black, Black British, Black Welsh, Caribbean or African: Caribbean",
        "mixed white and black caribbean": "Mixed or Multiple ethnic groups: White and Black Caribbean",
        "white and black caribbean": "Mixed or Multiple ethnic groups: White and Black Caribbean",
        "white and black african": "Mixed or Multiple ethnic groups: White and Black African",
        "white and asian": "Mixed or Multiple ethnic groups: White and Asian",
        "arab": "Other ethnic group: Arab",
    },
    "religion": {
        "none": "No religion",
        "no religion": "No religion",
        "no": "No religion",
        "christian": "Christian",
        "church of england": "Christian",
        "catholic": "Christian",
        "roman catholic": "Christian",
        "muslim": "Muslim",
        "islam": "Muslim",
        "hindu": "Hindu",
        "sikh": "Sikh",
        "jewish": "Jewish",
        "buddhist": "Buddhist",
    },
    "gender": {
        "female": "Female",
        "girl": "Female",
        "f": "Female",
        "male": "Male",
        "boy": "Male",
        "m": "Male",
        "other": "Another gender",
    },
    "language": {
        "punjabi": "Panjabi",
        "bengali": "Bengali (with Sylheti and Chatgaya)",
        "sylheti": "Bengali (with Sylheti and Chatgaya)",
        "farsi": "Persian or Farsi",
        "persian": "Persian or Farsi",
        "mandarin": "Chinese (all)",
        "cantonese": "Chinese (all)",
        "bsl": "British Sign Language",
    },
    "disability": {"none": "No", "no": "No", "n/a": "No", "yes": "Yes"},
}
GENERAL = [NOT_KNOWN, PREFER_NOT]


@dataclass(frozen=True)
class Structured:
    """One structured answer: its key in the CAF, the question, the choices, and whether words may follow."""

    key: str
    label: str
    choices: list[str]
    kind: str  # a key of SYNONYMS
    detail_label: str = ""
    detail_for: tuple[str, ...] = ()  # choices after which words are asked for (empty: any choice)


STRUCTURED: list[Structured] = [
    Structured("gender", "Gender", GENDERS, "gender", "Their gender, in their words", ("Another gender",)),
    Structured(
        "ethnicity",
        "Ethnic group (England 2021 census categories)",
        ETHNICITIES,
        "ethnicity",
        "Describe the background (optional)",
        tuple(e for e in ETHNICITIES if ": Other" in e or e.endswith("Any other ethnic group")),
    ),
    Structured(
        "religion",
        "Religion (England 2021 census categories)",
        RELIGIONS,
        "religion",
        "Which religion (optional)",
        ("Any other religion",),
    ),
    Structured(
        "first_language_child",
        "First language of the child",
        LANGUAGES,
        "language",
        "Which language",
        ("Other language",),
    ),
    Structured(
        "first_language_parents",
        "First language of the parents",
        LANGUAGES,
        "language",
        "Which language",
        ("Other language",),
    ),
    Structured(
        "disability",
        "Does the child have a disability?",
        DISABILITY,
        "disability",
        "The disability and what helps (optional)",
        ("Yes",),
    ),
]
STRUCTURED_BY_KEY = {s.key: s for s in STRUCTURED}


def _plain(text: str) -> str:
    return " ".join("".join(ch for ch in text.lower() if ch.isalnum() or ch in " /").split())


def compose(spec: Structured, choice: str, detail: str) -> str:
    """The stored words for a choice and what was written in."""
    detail = " ".join((detail or "").split())
    if not choice:
        return ""
    return f"{choice}: {detail}" if detail else choice


def parse(spec: Structured, stored: str) -> tuple[str, str, bool]:
    """``(choice, detail, mapped)`` for a stored answer; ``mapped`` is False when the old words match nothing."""
    stored = (stored or "").strip()
    if not stored:
        return "", "", True
    options = [*spec.choices, *GENERAL]
    for option in sorted(options, key=len, reverse=True):
        if stored == option:
            return option, "", True
        if stored.startswith(option + ": "):
            return option, stored[len(option) + 2 :], True
    lookup = {_plain(o): o for o in options} | SYNONYMS.get(spec.kind, {})
    found = lookup.get(_plain(stored))
    if found:
        return found, "", True
    return "", stored, False


def mapped_value(key: str, stored: str) -> str:
    """The stored words rewritten onto the lists where they map; unchanged where they do not."""
    spec = STRUCTURED_BY_KEY.get(key)
    if spec is None:
        return stored
    choice, detail, mapped = parse(spec, stored)
    return compose(spec, choice, detail) if mapped and choice else stored


MAPPED_NOTE = "Identifying details mapped to the census and language lists"


def map_identifying(data: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """``(mapped, unmapped)`` for the answers of one CAF version.

    ``mapped``: the structured answers whose words map onto the lists and read differently once
    mapped (``"islam"`` → ``"Muslim"``), with their new words. ``unmapped``: those that match no
    choice and are kept exactly as written, for a person to review. The one mapping used by the
    data migration (``caf/0008``) and ``manage.py caf_map_identifying``, so that they cannot differ.
    """
    mapped: dict[str, str] = {}
    unmapped: dict[str, str] = {}
    for spec in STRUCTURED:
        stored = data.get(spec.key) or ""
        if not stored.strip():
            continue
        choice, detail, found = parse(spec, stored)
        if not found or not choice:
            unmapped[spec.key] = stored
        elif compose(spec, choice, detail) != stored:
            mapped[spec.key] = compose(spec, choice, detail)
    return mapped, unmapped


def prefill(assessment: Any) -> dict[str, str]:
    """What the index and the account already hold, offered where the CAF says nothing yet.

    The child's names, date of birth and gender, the parents with parental responsibility
    (never for a shielded child: their addresses and contacts are not repeated), and the
    assessor from the author's account.
    """
    child = assessment.child
    values: dict[str, str] = {"names": child.display_name}
    if child.date_of_birth:
        values["date_of_birth"] = f"{child.date_of_birth:%-d %B %Y}"
    elif child.expected_delivery_date:
        values["date_of_birth"] = f"Expected {child.expected_delivery_date:%-d %B %Y}"
    gender = {"female": "Female", "male": "Male"}.get(child.gender)
    if gender:
        values["gender"] = gender
    if not child.is_shielded:
        lines = []
        for carer in child.carers.all():
            parts = [str(carer), carer.get_relationship_display()]
            parts.append(
                "parental responsibility" if carer.has_parental_responsibility else "no parental responsibility"
            )
            parts += [p for p in (carer.phone, carer.email) if p]
            if carer.address_line_1:
                parts.append(f"{carer.address_line_1}, {carer.postcode}")
            lines.append(", ".join(parts))
        if lines:
            values["parents_carers"] = "\n".join(lines)
    author = assessment.author
    org = assessment.author_organisation
    contact = author.phone or author.email or (org.phone if org else "")
    values["assessor"] = ", ".join(
        p for p in (author.get_full_name(), author.job_title, org.name if org else "", contact) if p
    )
    return values
