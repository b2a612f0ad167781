"""Practitioner search, the families' easy-read search, service pages and problem reports."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from ecm.core import clock
from ecm.directory.models import ProblemReport, SearchEvent, Service
from ecm.directory.tests import factories as f
from ecm.notifications.models import Notification

pytestmark = pytest.mark.django_db


def text(response: Any) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_practitioner_search_needs_sign_in(client: Any) -> None:
    response = client.get("/directory/")
    assert response.status_code == 302 and "/sign-in/" in response["Location"]


def test_practitioner_search_combines_filters_and_shows_the_filter_panel(
    user_client: Any, practitioner: Any, demo: Any
) -> None:
    from ecm.directory.models import TaxonomyTerm

    need = TaxonomyTerm.objects.get(code="speech")
    client = user_client(practitioner)
    response = client.get(
        "/directory/", {"needs": str(need.id), "age": "24", "day": "FR", "postcode": "LS9 7TF", "distance": "2"}
    )
    assert response.status_code == 200
    page = text(response)
    assert "moj-filter" in response.content.decode()
    assert "Selected filters" in page and "Speech, language and communication" in page
    names = re.findall(r'href="/directory/services/[^"]+/">([^<]+)<', response.content.decode())
    # Speech services open on Fridays for a two-year-old: the drop-in and the health visiting clinic.
    assert names and {n.split(" – ")[0] for n in names} == {
        "Chatterbox Speech and Language Drop-in",
        "Health Visiting Clinic",
    }
    distances = [float(d) for d in re.findall(r"\((\d+\.\d) miles away\)", page)]
    assert len(distances) == len(names) and distances == sorted(distances) and distances[-1] <= 2.0
    event = SearchEvent.objects.get()
    assert (event.outward_code, event.channel, event.age_months, event.result_count) == (
        "LS9",
        "practitioner",
        24,
        len(names),
    )
    assert list(event.needs.all()) == [need]


def test_practitioner_search_pages_through_results(user_client: Any, practitioner: Any, demo: Any) -> None:
    client = user_client(practitioner)
    first = client.get("/directory/", {"q": ""})
    assert "155 services found" in text(first) and "Page 1 of 8" in text(first)
    second = client.get("/directory/", {"q": "", "page": "2"})
    assert "Page 2 of 8" in text(second)
    assert SearchEvent.objects.count() == 1  # a second page is not a new search


def test_an_unknown_postcode_shows_the_error_summary(user_client: Any, practitioner: Any, demo: Any) -> None:
    response = user_client(practitioner).get("/directory/", {"postcode": "LS99 9ZZ"})
    assert "govuk-error-summary" in response.content.decode()
    assert "We could not find the postcode LS99 9ZZ" in text(response)
    assert SearchEvent.objects.count() == 0


def test_service_page_shows_eligibility_how_to_refer_and_freshness(user_client: Any, practitioner: Any) -> None:
    sal = f.placed(
        "Stale Service",
        f.BEESTON,
        eligibility_description="Families in Beeston.",
        application_process="Phone 0113 496 0001 to refer.",
    )
    f.AddressFactory(location=sal.location, postal_code="LS11 7NS")
    client = user_client(practitioner)
    page = text(client.get(f"/directory/services/{sal.service_id}/"))
    assert "Families in Beeston." in page and "Phone 0113 496 0001 to refer." in page
    assert "may be out of date" not in page
    Service.objects.filter(pk=sal.service_id).update(last_reviewed_on=clock.today() - dt.timedelta(days=400))
    assert "may be out of date" in text(client.get(f"/directory/services/{sal.service_id}/"))
    assert "May be out of date" in text(client.get("/directory/", {"q": "Stale"}))


def test_families_search_is_public_plain_and_records_only_the_outward_code(client: Any, demo: Any) -> None:
    start = client.get("/directory/families/")
    assert start.status_code == 200
    assert "What do you want help with?" in text(start) and "Feeling worried, sad or stressed" in text(start)
    response = client.get(
        "/directory/families/", {"age": "9", "postcode": "ls7 3qr", "distance": "1", "search": "Find help"}
    )
    page = text(response)
    assert re.search(r"We found \d+ places that can help", page)
    assert "Stay and Play – Chapeltown" in page
    assert "Ages" not in page and "eligibility" not in page.lower()
    event = SearchEvent.objects.get()
    assert event.outward_code == "LS7" and event.channel == "families"
    assert "LS7 3QR" not in str(SearchEvent.objects.values().get())


def test_families_service_page_uses_easy_read_words(client: Any, demo: Any) -> None:
    service = Service.objects.filter(name__startswith="Young Carers Club").first()
    page = text(client.get(f"/directory/families/services/{service.id}/"))
    assert "Do you help look after someone at home?" in page
    assert "How to get help" in page and "Report a problem with this page" in page


def test_report_a_problem_reaches_the_directory_team(client: Any, team_user: Any) -> None:
    service = f.ServiceFactory(name="Wrong Hours Club")
    form = client.get(f"/directory/families/services/{service.id}/report/")
    assert form.status_code == 200
    empty = client.post(f"/directory/families/services/{service.id}/report/", {"description": ""})
    assert "govuk-error-summary" in empty.content.decode() and "Tell us what is wrong with this page" in text(empty)
    sent = client.post(
        f"/directory/families/services/{service.id}/report/",
        {"description": "It closes at 3pm on Fridays now.", "email": ""},
    )
    assert sent.status_code == 302
    report = ProblemReport.objects.get()
    assert report.service == service and report.status == "open"
    assert Notification.objects.filter(recipient=team_user, subject__contains="Wrong Hours Club").exists()


def test_defunct_services_and_bad_ids_are_404(user_client: Any, practitioner: Any, client: Any) -> None:
    gone = f.ServiceFactory(status="defunct")
    assert client.get(f"/directory/families/services/{gone.id}/").status_code == 404
    assert client.get("/directory/families/services/not-a-uuid/").status_code == 404
    assert user_client(practitioner).get(f"/directory/services/{gone.id}/").status_code == 404
