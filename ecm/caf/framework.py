"""The content of the CAF: checklist questions, form sections and the 19 elements in three domains.

Everything a form page, the diff, the family's copy and the PDF need to know about the
shape of an assessment lives here, so they never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from ecm.caf.choices import Outcome

CHECKLIST_QUESTIONS: list[tuple[str, str, str]] = [
    (
        Outcome.BE_HEALTHY,
        "healthy_physical",
        "Is the child on track to be physically, mentally and emotionally healthy?",
    ),
    (
        Outcome.BE_HEALTHY,
        "healthy_lifestyle",
        "Is the child on track to have a healthy lifestyle, supported by the family?",
    ),
    (Outcome.STAY_SAFE, "safe_harm", "Is the child safe from maltreatment, neglect, bullying and accidental injury?"),
    (Outcome.STAY_SAFE, "safe_home", "Does the child have a safe, stable home where they are cared for?"),
    (Outcome.ENJOY_ACHIEVE, "achieve_attend", "Is the child on track to attend and enjoy school or early years?"),
    (
        Outcome.ENJOY_ACHIEVE,
        "achieve_progress",
        "Is the child on track to achieve in learning, supported by the family?",
    ),
    (
        Outcome.POSITIVE_CONTRIBUTION,
        "contribute_behaviour",
        "Is the child on track to behave positively in and out of school?",
    ),
    (
        Outcome.POSITIVE_CONTRIBUTION,
        "contribute_relationships",
        "Is the child on track to develop positive relationships and self-confidence?",
    ),
    (
        Outcome.ECONOMIC_WELLBEING,
        "economic_home",
        "Does the child live in a decent home, in a household free from low income?",
    ),
    (
        Outcome.ECONOMIC_WELLBEING,
        "economic_future",
        "Is the young person on track for further education, employment or training?",
    ),
]


@dataclass(frozen=True)
class Element:
    code: str
    label: str
    domain: str


DOMAINS: list[tuple[str, str]] = [
    ("development", "Development of the child"),
    ("parents", "Parents and carers"),
    ("family", "Family and environment"),
]

_ELEMENTS = {
    "development": [
        ("general_health", "General health"),
        ("physical_development", "Physical development"),
        ("speech_language", "Speech, language and communications development"),
        ("emotional_social", "Emotional and social development"),
        ("behavioural", "Behavioural development"),
        ("identity", "Identity, including self-esteem, self-image and social presentation"),
        ("family_social_relationships", "Family and social relationships"),
        ("self_care", "Self-care skills and independence"),
        ("understanding", "Understanding, reasoning and problem solving"),
        ("participation_learning", "Participation in learning, education and employment"),
        ("progress_learning", "Progress and achievement in learning"),
        ("aspirations", "Aspirations"),
    ],
    "parents": [
        ("basic_care", "Basic care, ensuring safety and protection"),
        ("emotional_warmth", "Emotional warmth and stability"),
        ("guidance_boundaries", "Guidance, boundaries and stimulation"),
    ],
    "family": [
        ("family_history", "Family history, functioning and well-being"),
        ("wider_family", "Wider family"),
        ("housing_employment_finance", "Housing, employment and financial considerations"),
        ("social_community", "Social and community elements and resources, including education"),
    ],
}

ELEMENTS: list[Element] = [Element(code, label, domain) for domain, rows in _ELEMENTS.items() for code, label in rows]
ELEMENT_CODES = frozenset(e.code for e in ELEMENTS)


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    fields: tuple[tuple[str, str], ...]  # (key, label)
    domain: str = ""


def _element_fields(domain: str) -> tuple[tuple[str, str], ...]:
    rows: list[tuple[str, str]] = []
    for element in ELEMENTS:
        if element.domain == domain:
            rows.append((f"{element.code}__strengths", f"{element.label}: strengths"))
            rows.append((f"{element.code}__needs", f"{element.label}: needs"))
    return tuple(rows)


SECTIONS: list[Section] = [
    Section(
        "identifying",
        "Identifying details",
        (
            ("names", "Names, including previous names"),
            ("gender", "Gender"),
            ("date_of_birth", "Date of birth or expected date of delivery"),
            ("address", "Address and postcode"),
            ("telephone", "Telephone"),
            ("ethnicity", "Ethnicity"),
            ("religion", "Religion"),
            ("first_language_child", "First language of the child"),
            ("first_language_parents", "First language of the parents"),
            ("disability", "Disability"),
            ("interpreter", "Interpreter or signer needed"),
            ("immigration_status", "Immigration status, where relevant"),
            ("identifiers", "Unique identifiers"),
        ),
    ),
    Section(
        "family",
        "Parents, carers and home",
        (
            ("parents_carers", "Parents and carers: name, relationship, contact, address, parental responsibility"),
            ("home_situation", "Current family and home situation"),
        ),
    ),
    Section(
        "assessor",
        "Assessor, services and reason",
        (
            ("assessor", "Assessor: name, role, organisation and contact"),
            ("lead_professional", "Lead professional, if known"),
            ("services", "Services working with the child, with named contacts"),
            ("reason", "Reason for the assessment"),
            ("present", "Who was present"),
        ),
    ),
    Section("development", "Development of the child", _element_fields("development"), domain="development"),
    Section("parents", "Parents and carers", _element_fields("parents"), domain="parents"),
    Section("family_environment", "Family and environment", _element_fields("family"), domain="family"),
    Section(
        "conclusions",
        "Conclusions and comments",
        (
            ("conclusions", "Conclusions, solutions and actions"),
            ("child_comments", "The child's or young person's comments"),
            ("parent_comments", "The parent's or carer's comments"),
        ),
    ),
]
SECTIONS_BY_SLUG = {s.slug: s for s in SECTIONS}
FIELD_LABELS = {key: label for s in SECTIONS for key, label in s.fields}
REQUIRED_TO_COMPLETE = ("reason", "present", "conclusions")


def element_of(key: str) -> str:
    """The element code a form key belongs to ('' for non-element keys)."""
    code = key.split("__", 1)[0]
    return code if "__" in key and code in ELEMENT_CODES else ""


def section_fields(section: Section, withheld: frozenset[str] | set[str]) -> list[tuple[str, str]]:
    """The fields of a section, leaving out the elements the family does not want recorded."""
    return [(key, label) for key, label in section.fields if element_of(key) not in withheld or not element_of(key)]
