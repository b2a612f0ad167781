"""The subject access and rectification pages: who may use them, and the whole path through them."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from django.urls import reverse

from ecm.accounts.choices import Role
from ecm.accounts.tests.factories import UserFactory
from ecm.audit.models import AuditEvent
from ecm.core import clock
from ecm.rights import services
from ecm.rights.choices import RectificationStatus, RequestStatus
from ecm.rights.models import AccessRequest, RectificationRequest
from ecm.rights.tests.factories import HOME_SITUATION, data_manager, full_child, log_request
from ecm.rights.tests.test_access import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        w = full_child()
    w["dm"] = data_manager()
    w["privacy"] = UserFactory(roles=[Role.PRIVACY_OFFICER])
    w["sar"] = log_request(w["dm"], w["child"])
    services.access_package_compile(actor=w["dm"], request=w["sar"])
    w["rect"] = services.rectification_log(
        actor=w["dm"],
        child=w["child"],
        kind="fact",
        index_field="given_name",
        proposed_value="Lilian",
        requester_name="Lily",
        relationship="child",
        received_on=clock.today(),
    )
    return w


def _date(prefix: str, day: dt.date) -> dict[str, str]:
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}


def urls(w) -> dict[str, str]:
    s = w["sar"].pk
    return {
        "home": reverse("rights:home"),
        "request_new": reverse("rights:request_new"),
        "request": reverse("rights:request", args=[s]),
        "identity": reverse("rights:identity", args=[s]),
        "extend": reverse("rights:extend", args=[s]),
        "package": reverse("rights:package", args=[s]),
        "redact": reverse("rights:redact", args=[s]) + "?path=index/child/nhs_number",
        "download": reverse("rights:download", args=[s, "pdf"]),
        "release": reverse("rights:release", args=[s]),
        "refuse": reverse("rights:refuse", args=[s]),
        "rectifications": reverse("rights:rectifications"),
        "rectification_new": reverse("rights:rectification_new"),
        "rectification": reverse("rights:rectification", args=[w["rect"].pk]),
    }


VIEWER_PAGES = {"home", "request", "rectifications", "rectification"}


def test_permission_matrix(world, user_client) -> None:
    """Data managers: every page. Privacy officers: the lists and requests only. Anyone else: 404."""
    dm, privacy = user_client(world["dm"]), user_client(world["privacy"])
    practitioner = user_client(world["author"])
    for name, url in urls(world).items():
        assert dm.get(url).status_code == 200, name
        assert privacy.get(url).status_code == (200 if name in VIEWER_PAGES else 404), name
        assert practitioner.get(url).status_code == 404, name
    missing = reverse("rights:request", args=[uuid.uuid4()])
    assert dm.get(missing).status_code == 404
    assert dm.post(reverse("rights:compile", args=[uuid.uuid4()])).status_code == 404
    assert dm.get(reverse("rights:redact", args=[world["sar"].pk]) + "?path=nope").status_code == 404


def test_a_request_from_receipt_to_release_through_the_pages(world, user_client) -> None:
    client = user_client(world["dm"])
    child = world["child"]
    response = client.post(
        reverse("rights:request_new"),
        {
            "index_number": child.formatted_index_number,
            "requester_name": "Grace Smithson",
            "relationship": "parent",
            **_date("received_on", clock.today()),
            "received_by": "spoken",
            "identity_checked": "",
            "identity_evidence": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    sar = AccessRequest.objects.get(requester_name="Grace Smithson")
    assert response.url == reverse("rights:request", args=[sar.pk])
    client.post(reverse("rights:identity", args=[sar.pk]), {"evidence": "Driving licence seen at the front desk"})
    client.post(reverse("rights:compile", args=[sar.pk]))
    package_page = client.get(reverse("rights:package", args=[sar.pk])).content.decode()
    assert HOME_SITUATION in package_page and "Checking who the school nurse is" in package_page
    path = f"caf/{world['caf'].pk}/versions/{world['caf'].version}/home_situation"
    redact_page = client.get(reverse("rights:redact", args=[sar.pk]) + f"?path={path}").content.decode()
    assert HOME_SITUATION in redact_page
    response = client.post(
        reverse("rights:redact", args=[sar.pk]), {"path": path, "reason": "third_party", "note": "The partner"}
    )
    assert response.status_code == 302
    pdf = client.get(reverse("rights:download", args=[sar.pk, "pdf"]))
    assert pdf["Content-Type"] == "application/pdf"
    released_json = client.get(reverse("rights:download", args=[sar.pk, "json"])).content
    assert b"Zebedee" not in released_json and "Zebedee" not in pdf_text(pdf.content)
    assert json.loads(released_json)["redactions"] == [{"path": path, "reason": "Information about another person"}]
    response = client.post(reverse("rights:release", args=[sar.pk]), {})
    assert response.status_code == 302
    sar.refresh_from_db()
    assert sar.status == RequestStatus.RELEASED
    assert AuditEvent.objects.filter(action="rights.package_reviewed", object_id=str(sar.pk)).exists()
    assert "is released" in client.get(response.url).content.decode()  # the message, shown once
    home = client.get(reverse("rights:home")).content.decode()
    assert sar.reference in home.split(">Completed<")[1] and sar.reference not in home.split(">Completed<")[0]


def test_extension_and_refusal_pages(world, user_client) -> None:
    client = user_client(world["dm"])
    sar = world["sar"]
    late = clock.today() + dt.timedelta(days=1)
    response = client.post(
        reverse("rights:extend", args=[sar.pk]), {"months": "2", "reason": "Complex", **_date("notified_on", late)}
    )
    assert response.status_code == 200 and "within the first month" in response.content.decode()
    response = client.post(
        reverse("rights:extend", args=[sar.pk]),
        {"months": "2", "reason": "Records in four agencies", **_date("notified_on", clock.today())},
    )
    assert response.status_code == 302
    sar.refresh_from_db()
    assert sar.extended_due_on is not None
    response = client.post(reverse("rights:refuse", args=[sar.pk]), {"ground": "parent_purpose", "reason": ""})
    assert response.status_code == 200
    client.post(reverse("rights:refuse", args=[sar.pk]), {"ground": "parent_purpose", "reason": "Police advice"})
    sar.refresh_from_db()
    assert sar.status == RequestStatus.REFUSED
    page = client.get(reverse("rights:request", args=[sar.pk])).content.decode()
    assert "Information Commissioner" in page
    assert client.get(reverse("rights:release", args=[sar.pk])).status_code == 404


def test_rectification_pages(world, user_client) -> None:
    client = user_client(world["dm"])
    url = reverse("rights:rectification", args=[world["rect"].pk])
    assert user_client(world["privacy"]).post(url, {"approve-reason": "x"}).status_code == 404
    response = client.post(url, {"approve-reason": "Birth certificate"})
    assert response.status_code == 302
    world["child"].refresh_from_db()
    assert world["child"].given_name == "Lilian"
    assert RectificationRequest.objects.get(pk=world["rect"].pk).status == RectificationStatus.APPLIED
    response = client.post(
        reverse("rights:rectification_new"),
        {
            "index_number": world["child"].index_number,
            "kind": "opinion",
            "caf_reference": world["caf"].reference,
            "field_key": "conclusions",
            "proposed_value": "It was my shifts",
            "requester_name": "Mum",
            "relationship": "parent",
            **_date("received_on", clock.today()),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    opinion = RectificationRequest.objects.get(kind="opinion")
    response = client.post(reverse("rights:rectification", args=[opinion.pk]), {"reject-reason": ""})
    assert response.status_code == 200
    client.post(reverse("rights:rectification", args=[opinion.pk]), {"approve-reason": ""})
    opinion.refresh_from_db()
    assert opinion.status == RectificationStatus.ANNOTATED
