"""School and GP on the search form, and the local authority's list of children with no school or GP practice."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from conftest import page_text as text
from ecm.accounts.choices import Role
from ecm.accounts.tests.factories import LocalAuthorityFactory, OrganisationFactory, UserFactory
from ecm.audit.models import AuditEvent
from ecm.core import clock
from ecm.index import universal
from ecm.index.tests.factories import SEARCH_BIRTH_DATE, ChildFactory, gp_practice, school
from ecm.index.tests.factories import search_smith as search

pytestmark = pytest.mark.django_db
DOB = SEARCH_BIRTH_DATE


def test_search_form_narrows_by_school_and_gp_and_never_shows_a_shielded_child(user_client: Any) -> None:
    hillside, parkview = school(name="Hillside Primary"), school(name="Parkview High")
    surgery = gp_practice(name="Chapel Allerton Medical Centre")
    ChildFactory(given_name="Amy", family_name="Smith", date_of_birth=DOB, school=hillside, gp_practice=surgery)
    ChildFactory(given_name="Beth", family_name="Smith", date_of_birth=DOB, school=parkview)
    ChildFactory(given_name="Cara", family_name="Smith", date_of_birth=DOB, school=hillside, shielded=True)
    client = user_client(UserFactory(roles=[Role.PRACTITIONER]))
    form = client.get(reverse("index:search")).content.decode()
    assert "Hillside Primary" in form and "Chapel Allerton Medical Centre" in form
    everyone = text(search(client))
    assert "Amy Smith" in everyone and "Beth Smith" in everyone and "Cara Smith" in everyone
    at_hillside = text(search(client, school=str(hillside.pk)))
    assert "Amy Smith" in at_hillside and "Beth Smith" not in at_hillside
    assert "Cara Smith" not in at_hillside  # shielded: never matched by a location term
    at_surgery = text(search(client, gp_practice=str(surgery.pk)))
    assert "Amy Smith" in at_surgery and "Beth Smith" not in at_surgery
    event = AuditEvent.objects.filter(action="index.search").latest("sequence")
    assert event.data["criteria"]["gp_practice_id"] == str(surgery.pk)


def test_each_process_keeps_the_school_and_gp_lists_until_an_organisation_is_saved(settings: Any) -> None:
    """The lists are read once a minute per process, not on every search page; saving or deleting an
    organisation in this process reads them again at once."""
    from ecm.accounts.models import Organisation

    settings.ECM_ORGANISATION_CHOICES_SECONDS = 60
    universal.forget_organisation_choices()
    hillside = school(name="Hillside Primary")
    assert universal.school_and_gp_practice_choices()[0] == ((str(hillside.pk), "Hillside Primary"),)
    # Written without the ORM's signals (as another process's write looks from here): still the kept list.
    Organisation.objects.bulk_create(
        [OrganisationFactory.build(name="Quiet Lane Primary", local_authority=hillside.local_authority)]
    )
    assert [name for _, name in universal.school_and_gp_practice_choices()[0]] == ["Hillside Primary"]
    surgery = gp_practice(name="Chapel Allerton Medical Centre")  # saved here: the lists are read again
    schools, practices = universal.school_and_gp_practice_choices()
    assert [name for _, name in schools] == ["Hillside Primary", "Quiet Lane Primary"]
    assert practices == ((str(surgery.pk), "Chapel Allerton Medical Centre"),)
    hillside.delete()
    assert [name for _, name in universal.school_and_gp_practice_choices()[0]] == ["Quiet Lane Primary"]
    settings.ECM_ORGANISATION_CHOICES_SECONDS = 0  # not kept: every call reads
    Organisation.objects.bulk_create(
        [OrganisationFactory.build(name="Ash Grove School", local_authority=surgery.local_authority)]
    )
    assert [name for _, name in universal.school_and_gp_practice_choices()[0]] == [
        "Ash Grove School",
        "Quiet Lane Primary",
    ]
    universal.forget_organisation_choices()


@pytest.fixture
def area_world(db: Any) -> dict[str, Any]:
    area = LocalAuthorityFactory(code="E08000035", name="Leeds")
    elsewhere = LocalAuthorityFactory(code="E08000036", name="Wakefield")
    today = clock.today()
    kwargs: dict[str, Any] = {"local_authority": area}
    hillside, surgery = school(), gp_practice()
    eight = today - dt.timedelta(days=365 * 8)
    return {
        "area": area,
        "both": ChildFactory(
            given_name="Has", family_name="Both", date_of_birth=eight, school=hillside, gp_practice=surgery, **kwargs
        ),
        "no_school": ChildFactory(
            given_name="No", family_name="School", date_of_birth=eight, gp_practice=surgery, **kwargs
        ),
        "no_gp": ChildFactory(given_name="No", family_name="Gp", date_of_birth=eight, school=hillside, **kwargs),
        "toddler": ChildFactory(
            given_name="Toddler",
            family_name="Young",
            date_of_birth=today - dt.timedelta(days=700),
            gp_practice=surgery,
            **kwargs,
        ),
        "shielded": ChildFactory(given_name="Hidden", family_name="Away", date_of_birth=eight, shielded=True, **kwargs),
        "elsewhere": ChildFactory(
            given_name="Other", family_name="Area", date_of_birth=eight, local_authority=elsewhere
        ),
        "officer": UserFactory(roles=[Role.DATA_MANAGER], organisation=OrganisationFactory(local_authority=area)),
    }


def names(listing: Any) -> set[str]:
    return {row.child.display_name for row in listing.rows}


def test_gaps_list_by_what_is_missing(area_world: dict[str, Any]) -> None:
    w = area_world
    either = universal.universal_gaps_list(actor=w["officer"], local_authority=w["area"], gap=universal.Gap.EITHER)
    assert names(either) == {"No School", "No Gp"}  # toddler has a GP and is under school age; shielded never
    only_school = universal.universal_gaps_list(actor=w["officer"], local_authority=w["area"], gap="school")
    assert names(only_school) == {"No School"}
    only_gp = universal.universal_gaps_list(actor=w["officer"], local_authority=w["area"], gap="gp")
    assert names(only_gp) == {"No Gp"}
    event = AuditEvent.objects.filter(action="index.universal_gaps_listed").latest("sequence")
    assert event.data["child_ids"] == [str(w["no_gp"].pk)] and event.data["gap"] == "gp"


def test_gaps_page_lists_the_users_area_and_is_audited(area_world: dict[str, Any], user_client: Any) -> None:
    client = user_client(area_world["officer"])
    page = text(client.get(reverse("index:universal_gaps")))
    assert "No School" in page and "No Gp" in page and "Other Area" not in page and "Hidden Away" not in page
    assert "Has Both" not in page
    assert AuditEvent.objects.filter(action="index.universal_gaps_listed").count() == 1


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        ([Role.DATA_MANAGER], 200),
        ([Role.INDEX_ADMIN], 200),
        ([Role.PRACTITIONER], 404),
        ([Role.MANAGER], 404),
        ([Role.PRIVACY_OFFICER], 404),
        ([Role.SYSTEM_ADMIN], 404),
        ([Role.DIRECTORY_EDITOR], 404),
    ],
)
def test_gaps_page_permission_matrix(user_client: Any, roles: list[str], expected: int) -> None:
    assert user_client(UserFactory(roles=roles)).get(reverse("index:universal_gaps")).status_code == expected


def test_gaps_page_refuses_an_unvetted_data_manager(user_client: Any) -> None:
    unvetted = UserFactory(roles=[Role.DATA_MANAGER], vetting_checked_on=None)
    response = user_client(unvetted).get(reverse("index:universal_gaps"))
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="index.universal_gaps_listed").exists()
