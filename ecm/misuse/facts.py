"""What the rules need to know about a child record and about a member of staff.

The rules never touch index models directly: :func:`child_facts` is the one place
that reads the child index, so the rules stay testable and the index may change
its models without the rules noticing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from ecm.misuse.models import StaffPersonalDetails


def norm_name(value: str | None) -> str:
    """Case-folded letters only: "O'Brien-Smith " and "obrien smith" compare equal."""
    return re.sub(r"[^a-z]", "", (value or "").casefold())


def norm_postcode(value: str | None) -> str:
    """Upper case without spaces: "ls1 4ap" -> "LS14AP"."""
    return re.sub(r"\s", "", (value or "")).upper()


_STREET_WORDS = {"street": "st", "road": "rd", "avenue": "ave", "lane": "ln", "close": "cl", "drive": "dr",
                 "court": "ct", "crescent": "cres", "place": "pl", "terrace": "ter", "gardens": "gdns", "flat": "flat"}


def norm_address_line(value: str | None) -> str:
    """The first line of an address, comparable: "12, High Street, Leeds" and "12 high st" -> "12highst"."""
    text = (value or "").strip()
    first = text.splitlines()[0] if text else ""
    parts = [p.strip() for p in re.sub(r"^\s*(\d+[a-z]?)\s*,", r"\1 ", first, flags=re.IGNORECASE).split(",")]
    first = " ".join(parts[:2]) if re.match(r"(flat|apartment|apt|unit|room)\b", parts[0], re.IGNORECASE) else parts[0]
    words = re.findall(r"[a-z0-9]+", first.casefold())
    return "".join(_STREET_WORDS.get(w, w) for w in words)


def norm_phone(value: str | None) -> str:
    digits = re.sub(r"\D", "", value or "")
    return digits[-10:] if len(digits) >= 10 else ""


@dataclass(frozen=True)
class PersonFacts:
    """A person named on a child record, or a member of staff, reduced to what matching needs."""

    given_name: str = ""
    family_names: tuple[str, ...] = ()
    postcode: str = ""
    address_line: str = ""
    email: str = ""
    phone: str = ""

    @classmethod
    def build(
        cls,
        *,
        given_name: str = "",
        family_names: tuple[str, ...] | list[str] = (),
        postcode: str = "",
        address: str = "",
        email: str = "",
        phone: str = "",
    ) -> PersonFacts:
        """Normalise every part once, so comparisons are plain equality."""
        return cls(
            given_name=norm_name(given_name),
            family_names=tuple(dict.fromkeys(n for n in (norm_name(f) for f in family_names) if n)),
            postcode=norm_postcode(postcode),
            address_line=norm_address_line(address),
            email=(email or "").strip().casefold(),
            phone=norm_phone(phone),
        )


@dataclass(frozen=True)
class ChildFacts:
    """A child record: the child, the parents and carers, and the record's flags (e.g. "high_profile")."""

    child_id: str
    child: PersonFacts
    carers: tuple[PersonFacts, ...] = ()
    flags: frozenset[str] = field(default_factory=frozenset)

    @property
    def people(self) -> tuple[PersonFacts, ...]:
        return (self.child, *self.carers)


def staff_facts(user: Any) -> PersonFacts:
    """A member of staff: account names and contact, plus the privacy officer's record of home and family names."""
    details = StaffPersonalDetails.objects.filter(user=user).first()
    family = [user.last_name, *(details.family_name_list if details else [])]
    return PersonFacts.build(
        given_name=user.first_name,
        family_names=family,
        postcode=details.home_postcode if details else "",
        address=details.home_address if details else "",
        email=user.email,
        phone=getattr(user, "phone", ""),
    )


# Reading the child index -------------------------------------------------------------


def child_facts(child_id: str) -> ChildFacts | None:
    """The facts of one child record from the index, or None if there is no such record.

    A carer with no address of their own is taken to live at the child's current
    address. Previous family names of the child count as family names.
    """
    from ecm.index.models import Child  # the index sits above misuse; imported late to keep startup light

    try:
        child = Child.objects.prefetch_related("names", "addresses", "carers").filter(pk=child_id).first()
    except (ValueError, TypeError, ValidationError):  # not a UUID
        return None
    if child is None:
        return None
    home = child.current_address
    home_line, home_postcode = (home.address_line_1, home.postcode) if home else ("", "")
    previous = [n.family_name for n in child.previous_names if n.family_name]
    carers = tuple(
        PersonFacts.build(
            given_name=carer.given_name,
            family_names=[carer.family_name],
            postcode=carer.postcode or ("" if carer.address_line_1 else home_postcode),
            address=carer.address_line_1 or home_line,
            email=carer.email,
            phone=carer.phone,
        )
        for carer in child.carers.all()
    )
    flags = {"high_profile"} if child.high_profile else set()
    return ChildFacts(
        child_id=str(child.pk),
        child=PersonFacts.build(
            given_name=child.given_name,
            family_names=[child.family_name, *previous],
            postcode=home_postcode,
            address=home_line,
        ),
        carers=carers,
        flags=frozenset(flags),
    )
