"""The system administrator's jobs page in a real browser, axe-core on each state."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from playwright.sync_api import expect

from conftest import axe_violations
from ecm.accounts.choices import Role
from ecm.accounts.tests.factories import TEST_PASSWORD, UserFactory
from ecm.core import clock
from ecm.jobs.choices import JobStatus
from ecm.jobs.models import Job

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_system_administrator_sees_a_failed_job_and_tries_it_again(page: Any, browser_sign_in: Any) -> None:
    Job.objects.create(
        name="notifications.email",
        arguments={"notification_id": str(uuid.uuid4())},
        status=JobStatus.FAILED,
        attempts=5,
        max_attempts=5,
        finished_at=clock.now(),
        error_summary="smtplib.SMTPServerDisconnected in send (smtplib.py:123)",
    )
    admin = UserFactory(roles=[Role.SYSTEM_ADMIN])
    browser_sign_in(page, admin, TEST_PASSWORD)
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Background jobs").click()
    expect(page.get_by_role("heading", name="Failed jobs (1)")).to_be_visible()
    expect(page.get_by_role("cell", name="E-mail a notification", exact=True)).to_be_visible()
    expect(page.get_by_text("smtplib.SMTPServerDisconnected")).to_be_visible()
    expect(page.get_by_role("cell", name="manage.py verify_audit Checks the audit hash chain")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_role("button", name=re.compile(r"Try again\s*: E-mail a notification")).click()
    expect(page.get_by_text("E-mail a notification will be tried again.")).to_be_visible()
    expect(page.get_by_role("heading", name="Failed jobs (0)")).to_be_visible()
    assert axe_violations(page) == []
    assert Job.objects.get().status == JobStatus.SUCCEEDED  # the notification had gone: nothing to send
