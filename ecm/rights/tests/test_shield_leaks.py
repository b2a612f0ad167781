"""A shielded child's whereabouts never leave the index: the leak test.

A child with a CAF started before the shield and another after it, a referral, a panel case,
notifications and subject access packages compiled before and after the shield. As each role,
every page that role reaches (links crawled from the home page, and every URL of the URL map
that takes one of the child's ids), every export and every API answer is searched for the
child's address, postcode, school and GP. None may appear.

Lives in ``rights`` because it is the bottom layer, which may read every app.
"""

from __future__ import annotations

import re
import zlib
from html import unescape
from typing import Any
from urllib.parse import urljoin, urlparse

import pytest
from django.core.cache import cache
from django.urls import get_resolver
from django.urls.resolvers import URLResolver

from ecm.accounts.choices import OrganisationType, Role
from ecm.accounts.services import api_client_create
from ecm.accounts.tests.factories import OrganisationFactory, UserFactory
from ecm.caf import services as caf_services
from ecm.caf.choices import ClosureReason
from ecm.caf.models import Assessment
from ecm.consent.tests.factories import give_consent
from ecm.core.actors import SYSTEM_COMMAND, SystemActor
from ecm.directory.services import organization_link_provider
from ecm.directory.tests import factories as df
from ecm.index.choices import CarerRelationship
from ecm.index.services import child_shield_set
from ecm.index.tests.factories import ChildFactory, involvement
from ecm.multiagency import services as ma_services
from ecm.multiagency.tests.factories import panel_world
from ecm.referrals.services import referral_send
from ecm.rights import services as rights_services
from ecm.rights.tests.factories import log_request

pytestmark = pytest.mark.django_db

LINE, POSTCODE = "23 Larkspur Mews", "LS7 3PQ"
SCHOOL, GP = "Thistlewood Academy", "Brackenridge Surgery"
# Organisations of the same kinds the child has nothing to do with: a page that lists them too is a
# list of every organisation (a picker), which says nothing about where the child is.
CONTROL = {SCHOOL: "Oakbridge Community School", GP: "Fernhill Medical Practice"}
TERMS = [LINE, POSTCODE, POSTCODE.replace(" ", ""), SCHOOL, GP]
MAX_PAGES = 250
SKIP = ("/sign-out", "/static/", "/media/", "/__", "/admin/")


def body_text(response: Any) -> str:
    """What a person or a program would read: HTML unescaped, JSON, and PDF content streams inflated."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:4] == b"%PDF":
        chunks = []
        for raw in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S):
            try:
                chunks.append(zlib.decompress(raw).decode("latin-1"))
            except zlib.error:
                chunks.append(raw.decode("latin-1"))
        return "\n".join(chunks)
    text = content.decode("utf-8", errors="replace")
    return unescape(text).replace("\\u0027", "'")


def leaks(text: str, own_pages: dict[str, str] | None = None, url: str = "") -> list[str]:
    """The whereabouts terms in ``text``. The school's or GP's name is not a leak on a page that
    also lists an organisation the child has nothing to do with (a picker), or on the page about
    that organisation itself (``own_pages``: name → its id)."""
    lowered = text.lower()
    return [
        t
        for t in TERMS
        if t.lower() in lowered
        and CONTROL.get(t, "\0").lower() not in lowered
        and not (own_pages and t in own_pages and own_pages[t] in url)
    ]


def a_shielded_child(django_capture_on_commit_callbacks: Any) -> dict[str, Any]:
    world = panel_world()
    author = world.referrer
    school = OrganisationFactory(name=SCHOOL, organisation_type=OrganisationType.SCHOOL)
    gp = OrganisationFactory(name=GP, organisation_type=OrganisationType.GP_PRACTICE)
    OrganisationFactory(name=CONTROL[SCHOOL], organisation_type=OrganisationType.SCHOOL)
    OrganisationFactory(name=CONTROL[GP], organisation_type=OrganisationType.GP_PRACTICE)
    provider = OrganisationFactory(name="Harehills Family Support")
    organization = df.OrganizationFactory(name="Harehills Family Support (directory)")
    organization_link_provider(actor=SystemActor("test"), organization=organization, provider=provider)
    service = df.ServiceFactory(organization=organization, name="Parenting course")
    receiver = UserFactory(roles=[Role.PRACTITIONER], organisation=provider)
    index_admin = UserFactory(roles=[Role.INDEX_ADMIN])
    data_manager = UserFactory(roles=[Role.DATA_MANAGER])
    child = ChildFactory(
        address={"address_line_1": LINE, "postcode": POSTCODE, "town": "Leeds"},
        school=school,
        gp_practice=gp,
        carers=[
            {
                "given_name": "Parent",
                "family_name": "Test",
                "relationship": CarerRelationship.MOTHER,
                "address_line_1": LINE,
                "postcode": POSTCODE,
            }
        ],
    )
    with django_capture_on_commit_callbacks(execute=True):
        involvement(child, author, service="School nursing")
        before = caf_services.assessment_start(
            actor=author,
            child=child,
            consent=give_consent(author, child, allowed_organisations=[*world.agencies, provider]),
        )
        assert LINE in before.versions.get(number=1).data["address"]  # copied before the shield: must go
        referral_send(actor=author, child=child, service=service, reason="Help with mornings")
        ma_services.panel_referral_make(actor=author, panel=world.panel, child=child, reason="Misses school")
        early = log_request(data_manager, child)
        rights_services.access_package_compile(actor=data_manager, request=early)

        child_shield_set(actor=index_admin, child=child, reason="Domestic violence: the family has fled")

        caf_services.assessment_close(actor=author, assessment=before, reason=ClosureReason.NEEDS_MET)
        after = caf_services.assessment_start(
            actor=author,
            child=child,
            consent=give_consent(author, child, allowed_organisations=[*world.agencies, provider]),
            existing_acknowledged=True,
        )
        late = log_request(data_manager, child)
        rights_services.access_package_compile(actor=data_manager, request=late)
    people = {
        "author": author,
        "panel member": world.member,
        "panel chair": world.chair,
        "manager": world.manager,
        "receiver": receiver,
        "index administrator": index_admin,
        "data manager": data_manager,
        "privacy officer": UserFactory(roles=[Role.PRIVACY_OFFICER]),
        "CAF co-ordinator": UserFactory(roles=[Role.CAF_COORDINATOR], organisation=author.organisation),
        "system administrator": UserFactory(roles=[Role.SYSTEM_ADMIN]),
    }
    ids = {
        "child_id": [child.pk],
        "assessment_id": [before.pk, after.pk],
        "referral_id": [
            *child.panel_referrals.values_list("pk", flat=True),
            *child.referrals.values_list("pk", flat=True),
        ],
        "request_id": [early.pk, late.pk],
        "panel_id": [world.panel.pk],
        "patient_id": [child.pk],
        "number": [1, 2, 3],
        "fmt": ["json", "pdf"],
        "user_id": [author.pk],
    }
    return {
        "child": child,
        "people": people,
        "ids": ids,
        "before": before,
        "after": after,
        "author": author,
        "own_pages": {SCHOOL: str(school.pk), GP: str(gp.pk)},
    }


def routes_with_ids(ids: dict[str, list[Any]]) -> list[str]:
    """Every URL of the URL map whose parameters are all ids of the child's records, filled in."""
    urls: list[str] = []

    def walk(patterns: Any, prefix: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
                continue
            route = prefix + str(p.pattern)
            if route.startswith("^") or "(?P" in route:
                continue
            params = re.findall(r"<(?:\w+:)?(\w+)>", route)
            if not params or not all(name in ids for name in params):
                continue
            filled = [route]
            for name in params:
                filled = [
                    re.sub(rf"<(?:\w+:)?{name}>", str(value), url, count=1) for url in filled for value in ids[name]
                ]
            urls.extend("/" + url for url in filled)

    walk(get_resolver().url_patterns, "")
    return sorted(set(urls))


def crawl(client: Any, seeds: list[str]) -> dict[str, str]:
    """GET every seed and every same-site link reachable from them; ``{url: text}`` of the 200s."""
    seen: dict[str, str] = {}
    queue = list(seeds)
    visited: set[str] = set()
    while queue and len(visited) < MAX_PAGES:
        url = queue.pop(0)
        if url in visited or any(s in url for s in SKIP):
            continue
        visited.add(url)
        response = client.get(url)
        if response.status_code != 200:
            continue
        text = body_text(response)
        seen[url] = text
        if "html" not in response.get("Content-Type", ""):
            continue
        for href in re.findall(r'href="([^"#]+)"', response.content.decode("utf-8", errors="replace")):
            target = urlparse(urljoin(url, unescape(href)))
            if target.netloc or not target.path.startswith("/"):
                continue
            link = target.path + (f"?{target.query}" if target.query else "")
            if link not in visited:
                queue.append(link)
    return seen


def test_no_page_export_or_api_answer_shows_a_shielded_childs_whereabouts(
    django_capture_on_commit_callbacks: Any, user_client: Any, client: Any
) -> None:
    made = a_shielded_child(django_capture_on_commit_callbacks)
    child = made["child"]
    # The copies made before the shield are gone, and the CAF started after it copied nothing.
    for assessment in (made["before"], made["after"]):
        assert not leaks(str(list(Assessment.objects.get(pk=assessment.pk).versions.values_list("data", flat=True))))
    seeds = routes_with_ids(made["ids"])
    assert any("/caf/" in s for s in seeds) and any("/rights/" in s for s in seeds)
    found: dict[str, list[tuple[str, list[str]]]] = {}
    reached = {}
    for who, user in made["people"].items():
        signed_in = user_client(user)
        signed_in.post(f"/index/children/{child.pk}/reason/", {"reason_code": "find_practitioners"})
        pages = crawl(signed_in, ["/", *seeds])
        reached[who] = len(pages)
        for url, text in pages.items():
            if leaks(text, made["own_pages"], url):
                found.setdefault(who, []).append((url, leaks(text, made["own_pages"], url)))
    # Each role reached pages about the child (the test would be empty otherwise).
    assert reached["author"] > 10 and reached["data manager"] > 5 and reached["index administrator"] > 5
    answered: dict[str, int] = {}
    # The FHIR API, as a person's and a system's client of the author's organisation.
    for person in (True, False):
        cache.clear()
        _api, token = api_client_create(
            actor=SYSTEM_COMMAND, organisation=made["author"].organisation, name=f"Local {person}", is_system=not person
        )
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_X_ACCESS_REASON": "find_practitioners"}
        for url in (
            f"/fhir/Patient/{child.pk}",
            f"/fhir/Patient?family={child.family_name}&birthdate={child.date_of_birth.isoformat()}",
            f"/fhir/CareTeam?patient={child.pk}",
        ):
            response = client.get(url, **headers)
            assert response.status_code < 500, (url, response.status_code)
            answered[url] = answered.get(url, 0) + (response.status_code == 200)
            if leaks(body_text(response)):
                found.setdefault(f"API client (person={person})", []).append((url, leaks(body_text(response))))
    assert answered[f"/fhir/Patient/{child.pk}"] >= 1  # the API answered with the record at least once
    assert found == {}
