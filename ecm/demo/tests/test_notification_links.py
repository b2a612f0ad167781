"""Every notification the demo sends: its link is shown to its recipient exactly when the page would not answer
them 404 (ecm.notifications.links and the rules the apps register).

The permission matrix seeds the demo inside the test's transaction, where notifications (sent after commit) are
never sent; here the demo's after-commit work runs, so its notifications exist as on a real server. A crawl of
the demo found a home manager's secondment notice, a panel administrator's referral notice and a youth worker's
action, all linking to a page that answered them 404.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from ecm.notifications.links import link_opens, local_link
from ecm.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_a_demo_notification_links_to_its_page_only_when_it_opens_for_the_recipient(
    sign_in: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    notes = list(Notification.objects.select_related("recipient").exclude(link="").order_by("recipient_id"))
    assert len(notes) > 100, len(notes)  # the demo's own messages, not a handful
    clients: dict[int, Client] = {}
    wrong: list[str] = []
    hidden = 0
    for note in notes:
        user = note.recipient
        client = clients.get(user.pk)
        if client is None or "_auth_user_id" not in client.session:
            client = clients[user.pk] = sign_in(Client(), user)
        path = local_link(note.link)
        status = client.get(path).status_code if path else None
        shown = link_opens(user, note.link)
        hidden += not shown
        # Shown: the page opens (or a page of its own says why not, as the child-data gate's does). Not shown: 404.
        if shown == (status in (None, 404)):
            wrong.append(f"{user.username}: {note.subject!r} -> {note.link} answers {status}, link shown: {shown}")
    assert not wrong, wrong
    assert hidden >= 3, hidden  # the crawl's three are among them
