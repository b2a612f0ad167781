"""The rules and row builders every index writer shares (``services``, ``bulk``, ``merging``,
``shielding``), in a module of their own so that those writers import it and never each other
in a circle (the import-linter contract in ``.importlinter``).
"""

from __future__ import annotations

import datetime as dt
import functools
import secrets
from typing import Any

from ecm.accounts.models import ApiClient
from ecm.core import clock
from ecm.core.actors import Actor, SystemActor
from ecm.index.models import Child, ChildAddress, ChildName
from ecm.index.search.keys import (
    NAME_MAX_LENGTH,
    luhn_check_digit,
    metaphone,
    nhs_number_is_valid,
    normalise_name,
    normalise_postcode,
    upn_is_valid,
)


class IndexRuleError(ValueError):
    """A child index rule was broken; the message is shown to the user as it is."""


def new_index_number() -> str:
    """A fresh national child index number: 11 random digits (not starting 0) and a Luhn check digit."""
    while True:
        body = str(secrets.randbelow(9 * 10**10) + 10**10)
        number = body + luhn_check_digit(body)
        if not Child.objects.filter(index_number=number).exists():
            return number


def _stamp(row: Any, actor: Actor, *, creating: bool = False) -> None:
    """``BaseModel.stamp``, naming an API client by label (its created_by/modified_by are user keys)."""
    if isinstance(actor, ApiClient):
        actor = SystemActor(f"api:{actor.name}")
    row.stamp(actor, creating=creating)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise IndexRuleError(message)


def _check_identifiers(nhs_number: str, unique_pupil_number: str) -> None:
    _require(not nhs_number or nhs_number_is_valid(nhs_number), "The NHS number is not valid: check the 10 digits.")
    _require(
        not unique_pupil_number or upn_is_valid(unique_pupil_number),
        "The unique pupil number is not valid: it is a letter, 11 digits and a check character.",
    )


def _check_name(given_name: str, family_name: str, is_unborn: bool) -> None:
    _require(
        len(given_name) <= NAME_MAX_LENGTH and len(family_name) <= NAME_MAX_LENGTH, "Names are at most 35 characters."
    )
    _require(bool(family_name.strip()) or is_unborn, "Enter the child's family name.")


@functools.lru_cache(maxsize=65_536)
def name_keys(name: str) -> tuple[str, str]:
    """A name's search keys (normalised, phonetic): the same few thousand names recur across a national
    load (siblings' family name, common given names), so each is worked out once."""
    return normalise_name(name)[:NAME_MAX_LENGTH], metaphone(name)


def name_values(
    child: Child,
    *,
    given_name: str,
    middle_names: str,
    family_name: str,
    current: bool = True,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """``name_row``'s columns by attribute name (``child_id``), for bulk writers that build rows fast."""
    given_norm, given_phonetic = name_keys(given_name)
    family_norm, family_phonetic = name_keys(family_name)
    return {
        "child_id": child.pk,
        "given_name": given_name,
        "middle_names": middle_names,
        "family_name": family_name,
        "given_norm": given_norm,
        "family_norm": family_norm,
        "given_phonetic": given_phonetic,
        "family_phonetic": family_phonetic,
        "birth_date": child.search_date,
        "is_current": current,
        "used_from": (today or clock.today()) if current else None,
    }


def name_row(
    child: Child,
    *,
    given_name: str,
    middle_names: str,
    family_name: str,
    current: bool = True,
    today: dt.date | None = None,
) -> ChildName:
    """A name with its search keys (not saved); ``today``: the date a bulk writer read once for its batch."""
    values = name_values(
        child, given_name=given_name, middle_names=middle_names, family_name=family_name, current=current, today=today
    )
    del values["child_id"]
    return ChildName(child=child, **values)


def address_values(
    child: Child,
    *,
    address_line_1: str,
    postcode: str,
    address_line_2: str = "",
    town: str = "",
    lived_from: dt.date | None = None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """``address_row``'s columns by attribute name (``child_id``), for bulk writers."""
    return {
        "child_id": child.pk,
        "address_line_1": address_line_1,
        "address_line_2": address_line_2,
        "town": town,
        "postcode": normalise_postcode(postcode),
        "postcode_norm": normalise_postcode(postcode),
        "birth_date": child.search_date,
        "is_current": True,
        "lived_from": lived_from or today or clock.today(),
    }


def address_row(
    child: Child,
    *,
    address_line_1: str,
    postcode: str,
    address_line_2: str = "",
    town: str = "",
    lived_from: dt.date | None = None,
    today: dt.date | None = None,
) -> ChildAddress:
    """An address with its normalised postcode (not saved); ``today`` as for ``name_row``."""
    values = address_values(
        child,
        address_line_1=address_line_1,
        postcode=postcode,
        address_line_2=address_line_2,
        town=town,
        lived_from=lived_from,
        today=today,
    )
    del values["child_id"]
    return ChildAddress(child=child, **values)
