"""A synthetic population and its source records, with known truth, for tests and the benchmark.

Households share a family name, an address and parents; some have twins (same date of
birth, family name, address and parents, different given names) and siblings. Each
child appears in several sources with realistic errors: nicknames, typos, surname
changes, day/month swaps, house moves, missing fields. Nothing is downloaded: names come
from Faker's en_GB lists, which ship with the package.
"""

from __future__ import annotations

import datetime as dt
import random
import string
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from faker.providers.person.en_GB import Provider as Names

from ecm.index.search.keys import nicknames

# (source, probability a child appears in it, carries NHS number, carries UPN)
SOURCES = (
    ("birth_notifications", 0.9, True, False),
    ("gp_registrations", 0.95, True, False),
    ("school_census", 0.9, False, True),
    ("child_benefit", 0.85, False, False),
    ("local_systems", 0.25, True, True),
)
FAMILY_NAMES = tuple(Names.last_names)
GIRLS = tuple(Names.first_names_female)
BOYS = tuple(Names.first_names_male)
STREETS = ("High Street", "Church Road", "Station Road", "Park Avenue", "Mill Lane", "Victoria Road", "Green Lane")
TOWNS = ("Leeds", "Bradford", "Wakefield", "Halifax", "Huddersfield", "York", "Harrogate", "Doncaster")


def nhs_number(rng: random.Random) -> str:
    """A random NHS number that passes the modulus 11 check."""
    while True:
        body = [rng.randint(0, 9) for _ in range(9)]
        check = 11 - sum(d * (10 - i) for i, d in enumerate(body)) % 11
        check = 0 if check == 11 else check
        if check != 10:
            return "".join(map(str, body)) + str(check)


def upn(rng: random.Random) -> str:
    letters = "ABCDEFGHJKLMNPQRTUVWXYZ"
    return rng.choice(letters) + "".join(rng.choices(string.digits, k=11)) + rng.choice(letters)


@dataclass
class Address:
    line_1: str
    town: str
    postcode: str


@dataclass
class Child:
    """The truth about one synthetic child."""

    key: int
    given: str
    middle: str
    family: str
    birth_family: str
    dob: dt.date
    sex: str
    nhs: str
    upn: str
    parents: tuple[str, str]
    addresses: list[Address] = field(default_factory=list)


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 3:
        return text
    i = rng.randrange(1, len(text) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        return text[:i] + text[i + 1 :]
    if kind == 1:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + rng.choice(string.ascii_lowercase) + text[i + 1 :]


def _postcode(rng: random.Random, district: int) -> str:
    area = ("LS", "BD", "WF", "HX", "HD", "YO", "HG", "DN")[district % 8]
    unit = "".join(rng.choices("ABDEFGHJLNPQRSTUWXYZ", k=2))
    return f"{area}{district // 8 + 1} {rng.randint(1, 9)}{unit}"


def _address(rng: random.Random, districts: int) -> Address:
    district = rng.randrange(districts)
    return Address(
        f"{rng.randint(1, 200)} {rng.choice(STREETS)}", TOWNS[district % len(TOWNS)], _postcode(rng, district)
    )


def population(children: int, *, seed: int = 1, today: dt.date = dt.date(2026, 11, 1)) -> list[Child]:
    """About ``children`` children in households of one to four, with twins in about 3% of households."""
    rng = random.Random(seed)
    districts = max(8, children // 400)
    out: list[Child] = []
    while len(out) < children:
        family = rng.choice(FAMILY_NAMES)
        address = _address(rng, districts)
        mother = f"{rng.choice(GIRLS)} {family}"
        father = f"{rng.choice(BOYS)} {family}"
        size = rng.choice((1, 1, 2, 2, 2, 3, 3, 4))
        twins = rng.random() < 0.03
        used: set[str] = set()
        base_dob = today - dt.timedelta(days=rng.randint(30, 17 * 365))
        for n in range(size):
            sex = rng.choice(("male", "female"))
            pool = BOYS if sex == "male" else GIRLS
            given = rng.choice(pool)
            while given in used:
                given = rng.choice(pool)
            used.add(given)
            # Twins: the second child shares the first one's date of birth.
            dob = base_dob if twins and n == 1 else base_dob - dt.timedelta(days=n * rng.randint(400, 1200))
            if dob < today - dt.timedelta(days=18 * 365):
                continue
            child = Child(
                key=len(out),
                given=given,
                middle=rng.choice(BOYS + GIRLS) if rng.random() < 0.5 else "",
                family=family,
                birth_family=family,
                dob=dob,
                sex=sex,
                nhs=nhs_number(rng),
                upn=upn(rng) if (today - dob).days > 4 * 365 else "",
                parents=(mother, father),
                addresses=[address],
            )
            if rng.random() < 0.03:  # a surname change (adoption, a parent's new name)
                child.family = rng.choice(FAMILY_NAMES)
            if rng.random() < 0.12:  # a house move: later sources have the new address
                child.addresses.append(_address(rng, districts))
            out.append(child)
    return out[:children]


def _given_variant(rng: random.Random, given: str) -> str:
    roll = rng.random()
    if roll < 0.05:
        options = sorted(nicknames(given))
        if options:
            return options[rng.randrange(len(options))].title()
    if roll < 0.08:
        return _typo(rng, given.lower()).title()
    return given


def _dob_variant(rng: random.Random, dob: dt.date) -> str:
    roll = rng.random()
    if roll < 0.01 and dob.day <= 12 and dob.day != dob.month:
        return dob.replace(day=dob.month, month=dob.day).isoformat()
    if roll < 0.02:
        return (dob + dt.timedelta(days=rng.choice((-1, 1)))).isoformat()
    if roll < 0.025:
        return ""
    return dob.isoformat()


def records(children: list[Child], *, seed: int = 2) -> Iterator[dict[str, Any]]:
    """Source rows (with ``source`` and ``truth`` keys) for every child in the sources it appears in."""
    rng = random.Random(seed)
    for child in children:
        appearances = [s for s in SOURCES if rng.random() < s[1]] or [SOURCES[1]]
        for order, (source, _, has_nhs, has_upn) in enumerate(appearances):
            is_birth = source == "birth_notifications"
            address = child.addresses[0] if is_birth or order == 0 else child.addresses[-1]
            family = child.birth_family if is_birth else child.family
            if rng.random() < 0.02:
                family = _typo(rng, family.lower()).title()
            nhs = child.nhs if has_nhs and rng.random() < 0.9 else ""
            if nhs and rng.random() < 0.02:
                nhs = nhs[:-1] + str((int(nhs[-1]) + 1) % 10)  # a keying error: fails the check digit
            row = {
                "source": source,
                "truth": child.key,
                "source_record_id": f"{source[:3].upper()}{child.key:08d}",
                "given_name": child.given if is_birth else _given_variant(rng, child.given),
                "middle_names": child.middle if rng.random() < 0.7 else "",
                "family_name": family,
                "previous_family_name": child.birth_family
                if family != child.birth_family and rng.random() < 0.5
                else "",
                "date_of_birth": child.dob.isoformat() if is_birth else _dob_variant(rng, child.dob),
                "sex": {"male": "M", "female": "F"}[child.sex] if rng.random() < 0.97 else "",
                "address_line_1": address.line_1,
                "address_line_2": "",
                "town": address.town,
                "postcode": address.postcode if rng.random() < 0.97 else "",
                "nhs_number": nhs,
                "upn": child.upn if has_upn else "",
                "parent_1_name": child.parents[0] if rng.random() < 0.6 else "",
                "parent_2_name": child.parents[1] if rng.random() < 0.3 else "",
                "school_urn": "",
                "gp_practice_code": "",
            }
            if not row["date_of_birth"] and not row["postcode"]:
                row["postcode"] = address.postcode
            yield row
