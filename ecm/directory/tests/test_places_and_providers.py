"""Location pages (integrated services) and the team's page linking directory organisations to ECM organisations."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from conftest import page_text as text
from ecm.accounts.choices import Role
from ecm.accounts.tests.factories import OrganisationFactory, UserFactory
from ecm.audit.models import AuditEvent
from ecm.core.actors import SystemActor
from ecm.directory.choices import ServiceStatus
from ecm.directory.selectors.places import integrated_location_ids, place
from ecm.directory.services import organization_link_provider
from ecm.directory.tests import factories as f

pytestmark = pytest.mark.django_db


def _centre() -> Any:
    """A children's centre where two organisations' services sit together, plus a defunct one."""
    centre = f.LocationFactory(name="Harehills Children's Centre", latitude=53.8130, longitude=-1.5110)
    f.AddressFactory(location=centre, address_1="1 Roundhay Road", postal_code="LS8 5AA")
    health = f.OrganizationFactory(name="Community Health Trust")
    council = f.OrganizationFactory(name="Family Support Council")
    f.ServiceAtLocationFactory(service=f.ServiceFactory(name="Baby clinic", organization=health), location=centre)
    f.ServiceAtLocationFactory(service=f.ServiceFactory(name="Stay and play", organization=council), location=centre)
    f.ServiceAtLocationFactory(
        service=f.ServiceFactory(name="Old group", organization=council, status=ServiceStatus.DEFUNCT), location=centre
    )
    return centre


def test_a_place_with_services_of_several_organisations_is_an_integrated_service() -> None:
    centre = _centre()
    found = place(centre)
    assert [sal.service.name for sal in found.sals] == ["Baby clinic", "Stay and play"]  # defunct left out
    assert found.is_integrated
    assert [o.name for o in found.organizations] == ["Community Health Trust", "Family Support Council"]


def test_several_services_of_one_organisation_or_one_service_alone_is_not_integrated() -> None:
    one_org = f.OrganizationFactory()
    hall = f.LocationFactory(name="Church hall")
    f.ServiceAtLocationFactory(service=f.ServiceFactory(organization=one_org), location=hall)
    f.ServiceAtLocationFactory(service=f.ServiceFactory(organization=one_org), location=hall)
    alone = f.placed("Lonely service", f.OTLEY)
    assert not place(hall).is_integrated and not place(alone.location).is_integrated
    centre = _centre()
    assert integrated_location_ids([hall.id, alone.location_id, centre.id]) == {centre.id}


def test_location_page_lists_every_service_there_and_says_it_is_integrated(user_client: Any, practitioner: Any) -> None:
    centre = _centre()
    response = user_client(practitioner).get(f"/directory/locations/{centre.id}/")
    assert response.status_code == 200
    page = text(response)
    assert "Integrated service" in page and "Harehills Children's Centre" in page and "LS8 5AA" in page
    assert "Baby clinic" in page and "Stay and play" in page and "Old group" not in page
    assert "Community Health Trust" in page and "Family Support Council" in page


def test_a_single_service_place_is_not_called_integrated(user_client: Any, practitioner: Any) -> None:
    sal = f.placed("Lonely service", f.OTLEY)
    page = text(user_client(practitioner).get(f"/directory/locations/{sal.location_id}/"))
    assert "Lonely service" in page and "Integrated service" not in page


@pytest.mark.parametrize("location_id", ["not-a-uuid", str(uuid.uuid4())])
def test_unknown_location_is_404(user_client: Any, practitioner: Any, location_id: str) -> None:
    assert user_client(practitioner).get(f"/directory/locations/{location_id}/").status_code == 404


def test_location_page_needs_sign_in(client: Any) -> None:
    centre = _centre()
    response = client.get(f"/directory/locations/{centre.id}/")
    assert response.status_code == 302 and "/sign-in/" in response["Location"]


def test_search_results_and_service_page_link_to_the_place(user_client: Any, practitioner: Any) -> None:
    centre = _centre()
    client = user_client(practitioner)
    results = client.get("/directory/", {"q": "Baby clinic"})
    markup = results.content.decode()
    assert f"/directory/locations/{centre.id}/" in markup and "Integrated service" in text(results)
    service = place(centre).sals[0].service
    assert f"/directory/locations/{centre.id}/" in client.get(f"/directory/services/{service.id}/").content.decode()


def test_the_demo_directory_has_integrated_services(demo: Any) -> None:
    from ecm.directory.models import Location

    assert integrated_location_ids(Location.objects.values_list("id", flat=True))


# --- Who receives referrals -----------------------------------------------------------------


def test_team_links_a_directory_organisation_to_an_ecm_organisation(user_client: Any, team_user: Any) -> None:
    org = f.OrganizationFactory(name="Northside Family Support")
    f.ServiceFactory(organization=org)
    ecm_org = OrganisationFactory(name="Northside Family Support (voluntary)")
    client = user_client(team_user)
    listing = text(client.get("/directory/team/providers/", {"unlinked": "1"}))
    assert "Northside Family Support" in listing and "Not linked" in listing
    form = client.get(f"/directory/team/providers/{org.id}/")
    assert form.status_code == 200 and ecm_org.name in form.content.decode()
    response = client.post(f"/directory/team/providers/{org.id}/", {"provider": str(ecm_org.id)})
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.provider == ecm_org
    event = AuditEvent.objects.filter(action="directory.provider_linked").latest("sequence")
    assert event.data["provider"] == str(ecm_org.id)
    assert (
        f"/directory/team/providers/{org.id}/"
        not in client.get("/directory/team/providers/", {"unlinked": "1"}).content.decode()
    )
    # And unlinked again.
    client.post(f"/directory/team/providers/{org.id}/", {"provider": "none"})
    org.refresh_from_db()
    assert org.provider is None


def test_link_form_says_what_is_missing(user_client: Any, team_user: Any) -> None:
    org = f.OrganizationFactory()
    response = user_client(team_user).post(f"/directory/team/providers/{org.id}/", {"provider": ""})
    assert response.status_code == 200
    assert "Choose the organisation in ECM, or choose not linked" in text(response)


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        ([Role.SYSTEM_ADMIN], 200),
        ([Role.DIRECTORY_EDITOR], 200),
        ([Role.PRACTITIONER], 404),
        ([Role.MANAGER], 404),
        ([Role.INDEX_ADMIN], 404),
        ([Role.DATA_MANAGER], 404),
        ([Role.PRIVACY_OFFICER], 404),
    ],
)
def test_permission_matrix_for_the_new_directory_pages(user_client: Any, roles: list[str], expected: int) -> None:
    org = f.OrganizationFactory()
    centre = _centre()
    client = user_client(UserFactory(roles=roles))
    assert client.get("/directory/team/providers/").status_code == expected
    assert client.get(f"/directory/team/providers/{org.id}/").status_code == expected
    assert client.post(f"/directory/team/providers/{org.id}/", {"provider": "none"}).status_code in (
        {expected} if expected == 404 else {302}
    )
    # Every signed-in user may see a place.
    assert client.get(f"/directory/locations/{centre.id}/").status_code == 200


def test_service_page_says_whether_referrals_go_through_ecm(user_client: Any, practitioner: Any) -> None:
    unlinked = f.ServiceFactory(name="Unlinked group")
    linked = f.ServiceFactory(name="Linked group")
    organization_link_provider(
        actor=SystemActor("test"), organization=linked.organization, provider=OrganisationFactory()
    )
    client = user_client(practitioner)
    assert "does not receive referrals through ECM yet" in text(client.get(f"/directory/services/{unlinked.id}/"))
    assert "Refer to a service" in text(client.get(f"/directory/services/{linked.id}/"))
