"""E-mail: one route out, no child data in any message, absolute links, failures retried and shown."""

from __future__ import annotations

import json
import re
import threading
import uuid
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from ecm.accounts.services import practitioner_send_set_password_link
from ecm.accounts.tests.factories import UserFactory
from ecm.core.actors import SystemActor
from ecm.index.tests.factories import ChildFactory
from ecm.jobs.choices import JobStatus
from ecm.jobs.models import Job
from ecm.notifications.email import EmailMessage, email_send, notification_message, set_password_message
from ecm.notifications.models import Notification
from ecm.notifications.services import notification_send

pytestmark = pytest.mark.django_db
ACTOR = SystemActor("test-suite")
NOTE = "Mum says the boiler has been broken since March and the baby sleeps in the lounge."


def child_details(child: Any) -> list[str]:
    born = child.date_of_birth
    return [
        child.given_name,
        child.family_name,
        f"{born:%-d %B %Y}",
        f"{born:%d/%m/%Y}",
        born.isoformat(),
        child.current_address.postcode if child.current_address else "LS1 4AP",
        "Test Street",
        NOTE[:30],
    ]


def assert_nothing_about_the_child(message: Any, child: Any) -> None:
    text = f"{message.subject}\n{message.body}"
    for detail in child_details(child):
        assert detail.lower() not in text.lower(), detail


def links_in(text: str) -> list[str]:
    return re.findall(r"\S+://\S+|(?<!\S)/\S+", text)


def test_every_message_kind_holds_no_child_data_and_only_absolute_links(settings: Any) -> None:
    settings.ECM_BASE_URL = "https://ecm.example.gov.uk"
    child = ChildFactory()
    recipient = UserFactory()
    with_details = f"{child.given_name} {child.family_name}, born {child.date_of_birth:%-d %B %Y}: {NOTE}"
    note = notification_send(
        actor=ACTOR,
        recipient=recipient,
        subject=f"TAC note about {child.given_name}",
        body=with_details,
        link=f"/index/children/{child.pk}/",
    )
    kinds = {
        "notification": notification_message(note),
        "set_password": set_password_message("https://ecm.example.gov.uk/set-password/abc/def/"),
    }
    for kind, message in kinds.items():
        assert_nothing_about_the_child(message, child)
        links = links_in(message.body)
        assert links, kind
        assert all(link.startswith("https://ecm.example.gov.uk/") for link in links), (kind, links)
    assert kinds["notification"].body.count(f"/notifications/{note.pk}/") == 1


def test_the_sent_email_of_a_notification_about_a_child_names_nothing(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.ECM_BASE_URL = "https://ecm.example.gov.uk"
    child = ChildFactory()
    recipient = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        note = notification_send(
            actor=ACTOR,
            recipient=recipient,
            subject=f"New action for {child.given_name} {child.family_name}",
            body=NOTE,
            link="/caf/",
        )
    assert [m.to for m in mail.outbox] == [[recipient.email]]
    assert_nothing_about_the_child(mail.outbox[0], child)
    assert f"https://ecm.example.gov.uk/notifications/{note.pk}/" in mail.outbox[0].body
    assert Notification.objects.get(pk=note.pk).body == NOTE  # the detail stays inside the service


def test_the_set_password_email_is_sent_by_a_job_with_an_absolute_one_time_link(
    settings: Any, django_capture_on_commit_callbacks: Any, client: Any
) -> None:
    settings.ECM_BASE_URL = "https://ecm.example.gov.uk"
    person = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        practitioner_send_set_password_link(actor=ACTOR, practitioner=person)
    job = Job.objects.get(name="accounts.set_password_email")
    assert job.arguments == {"user_id": person.pk}  # no token waits in the queue
    [message] = mail.outbox
    [link] = links_in(message.body)
    assert link.startswith("https://ecm.example.gov.uk/") and "set" in link
    assert client.get(link.removeprefix("https://ecm.example.gov.uk")).status_code in (200, 302)


def test_every_email_goes_through_the_one_function() -> None:
    """No module but ecm/notifications/email.py sends e-mail itself."""
    root = Path(__file__).resolve().parents[2]
    senders = []
    for path in root.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts or path.name == "email.py":
            continue
        source = path.read_text()
        if re.search(r"\b(send_mail|send_mass_mail|mail_admins|EmailMessage|EmailMultiAlternatives)\b", source):
            senders.append(str(path.relative_to(root)))
    assert senders == []


class _Recorder(BaseHTTPRequestHandler):
    received: list[dict[str, Any]] = []

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Recorder.received.append({"path": self.path, "auth": self.headers["Authorization"], "json": json.loads(body)})
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps({"id": str(uuid.uuid4())}).encode())

    def log_message(self, *args: Any) -> None:
        pass


def test_with_a_notify_key_email_goes_to_gov_uk_notify(settings: Any) -> None:
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        template = str(uuid.uuid4())
        settings.ECM_NOTIFY_API_KEY = f"ecm_test-{uuid.uuid4()}-{uuid.uuid4()}"
        settings.ECM_NOTIFY_TEMPLATE_ID = template
        settings.ECM_NOTIFY_BASE_URL = f"http://127.0.0.1:{server.server_port}"
        _Recorder.received.clear()
        email_send(to="someone@example.gov.uk", message=EmailMessage(subject="S", body="B https://x/"))
    finally:
        server.shutdown()
    [request] = _Recorder.received
    assert request["path"] == "/v2/notifications/email" and request["auth"].startswith("Bearer ")
    assert request["json"] == {
        "email_address": "someone@example.gov.uk",
        "template_id": template,
        "personalisation": {"subject": "S", "body": "B https://x/"},
    }
    assert mail.outbox == []


def test_a_failing_mail_server_is_retried_then_shown_as_failed(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens
    settings.ECM_JOB_RETRY_DELAYS = [0, 0]
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(actor=ACTOR, recipient=UserFactory(), subject="Something", link=reverse("notifications:list"))
    job = Job.objects.get(name="notifications.email")
    assert job.status == JobStatus.FAILED and job.attempts == 3
    assert "ConnectionRefusedError" in job.error_summary or "OSError" in job.error_summary
