"""What the rules need to know about a child record and about a member of staff.

The rules never touch index models directly: :func:`child_facts` is the one place
that reads the child index, so the rules stay testable and the index may change
its models without the rules noticing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps

from ecm.misuse.models import StaffPersonalDetails


def norm_name(value: str | None) -> str:
    """Case-folded letters only: "O'Brien-Smith " and "obrien smith" compare equal."""
    return re.sub(r"[^a-z]", "", (value or "").casefold())


def norm_postcode(value: str | None) -> str:
    """Upper case without spaces: "ls1 4ap" -> "LS14AP"."""
    return re.sub(r"\s", "", (value or "")).upper()


def norm_address_line(value: str | None) -> str:
    """The first line of an address, case-folded, letters and digits only ("12, High St." -> "12highst")."""
    first = (value or "").strip().splitlines()[0] if (value or "").strip() else ""
    first = first.split(",")[0] if "," in first and not re.match(r"^\s*\d+\s*,", first) else first
    return re.sub(r"[^a-z0-9]", "", first.casefold())


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


def _first(obj: Any, *names: str) -> Any:
    for name in names:
        value = getattr(obj, name, None)
        if value not in (None, ""):
            return value() if callable(value) and not hasattr(value, "all") else value
    return ""


def _address_of(obj: Any) -> tuple[str, str]:
    """(first address line, postcode) of a child or carer row, whatever the index calls them."""
    postcode = _first(obj, "postcode", "home_postcode")
    line = _first(obj, "address_line_1", "address_line1", "line1", "address")
    address = _first(obj, "current_address", "address")
    if address and not isinstance(address, str):
        postcode = postcode or _first(address, "postcode")
        line = _first(address, "address_line_1", "address_line1", "line1", "line_1")
    return (line if isinstance(line, str) else ""), (postcode if isinstance(postcode, str) else "")


def _person(obj: Any, *, previous: list[str] | None = None) -> PersonFacts:
    line, postcode = _address_of(obj)
    return PersonFacts.build(
        given_name=_first(obj, "given_name", "first_name", "forename"),
        family_names=[_first(obj, "family_name", "last_name", "surname"), *(previous or [])],
        postcode=postcode,
        address=line,
        email=_first(obj, "email"),
        phone=_first(obj, "phone", "telephone"),
    )


def _related(obj: Any, *names: str) -> list[Any]:
    for name in names:
        manager = getattr(obj, name, None)
        if manager is not None and hasattr(manager, "all"):
            return list(manager.all())
    return []


def _flags(child: Any) -> frozenset[str]:
    flags = set()
    for name in ("high_profile", "is_high_profile"):
        if getattr(child, name, False) is True:
            flags.add("high_profile")
    raw = getattr(child, "flags", None)
    if isinstance(raw, (list, tuple, set, frozenset)):
        flags.update(str(f) for f in raw)
    elif isinstance(raw, str) and raw:
        flags.update(f.strip() for f in raw.split(",") if f.strip())
    return frozenset(flags)


def child_facts(child_id: str) -> ChildFacts | None:
    """The facts of one child record from the index, or None if there is no such record (or no index)."""
    try:
        child_model = apps.get_model("index", "Child")
    except LookupError:
        return None
    try:
        child = child_model.objects.filter(pk=child_id).first()
    except (ValueError, TypeError, Exception):  # malformed id
        return None
    if child is None:
        return None
    previous = [_first(n, "family_name", "last_name") for n in _related(child, "previous_names", "names")]
    carers = [_person(c) for c in _related(child, "carers", "parents", "carer_set")]
    return ChildFacts(
        child_id=str(child_id),
        child=_person(child, previous=[p for p in previous if p]),
        carers=tuple(carers),
        flags=_flags(child),
    )
