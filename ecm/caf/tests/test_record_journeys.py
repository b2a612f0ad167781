"""From a child's index record: a checklist or a CAF, a panel, a subject access request — the child filled in."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import page_text
from ecm.accounts.choices import Role
from ecm.accounts.tests.factories import UserFactory
from ecm.caf.framework import CHECKLIST_QUESTIONS
from ecm.caf.models import Checklist
from ecm.caf.tests.factories import start_caf
from ecm.index.tests.factories import ChildFactory
from ecm.multiagency.models import PanelReferral
from ecm.multiagency.tests.factories import panel_world
from ecm.rights.models import AccessRequest

pytestmark = pytest.mark.django_db


def open_record(client, child):
    client.post(reverse("index:reason", args=[child.pk]), {"reason_code": "find_practitioners", "reason_text": ""})
    return client.get(reverse("index:record", args=[child.pk]))


def test_record_offers_checklist_and_caf_and_links_only_cafs_the_reader_may_open(user_client):
    author = UserFactory(first_name="Ada", last_name="Author")
    reader = UserFactory(first_name="Rob", last_name="Reader")
    child = ChildFactory()
    shared = start_caf(author, child, allowed=[reader.organisation])
    hidden_author = UserFactory()
    hidden = start_caf(hidden_author, ChildFactory())  # another child's CAF never appears

    page = open_record(user_client(reader), child)
    html = page.content.decode()
    assert reverse("caf:detail", args=[shared.pk]) in html
    assert reverse("caf:detail", args=[hidden.pk]) not in html
    assert f"{reverse('caf:checklist_new')}?child={child.pk}" in html
    assert reverse("caf:start", args=[child.pk]) in html

    stranger = UserFactory()
    stranger_page = open_record(user_client(stranger), child)
    assert reverse("caf:detail", args=[shared.pk]) not in stranger_page.content.decode()
    assert "no CAF for this child that you may open" in page_text(stranger_page)


def test_checklist_started_from_the_record_is_the_childs_and_goes_on_to_the_caf(user_client):
    practitioner = UserFactory()
    child = ChildFactory()
    client = user_client(practitioner)
    url = f"{reverse('caf:checklist_new')}?child={child.pk}"
    form = client.get(url)
    assert child.display_name in page_text(form)
    assert 'name="working_name"' not in form.content.decode()
    answers = {code: "not_sure" for _, code, _ in CHECKLIST_QUESTIONS}
    response = client.post(url, {**answers, "requested_by": "practitioner", "decision": "full_caf", "notes": ""})
    checklist = Checklist.objects.get(practitioner=practitioner)
    assert checklist.child_id == child.pk
    assert response.status_code == 302
    assert response.url == f"{reverse('caf:start', args=[child.pk])}?checklist={checklist.pk}"


def test_checklist_for_a_missing_child_is_404(user_client):
    client = user_client(UserFactory())
    assert client.get(f"{reverse('caf:checklist_new')}?child=00000000-0000-0000-0000-000000000000").status_code == 404


def test_refer_to_a_panel_from_the_record_fills_in_the_child(user_client):
    world = panel_world()
    child = world.child
    child.local_authority = world.panel.local_authority
    child.save(update_fields=["local_authority"])
    client = user_client(world.referrer)
    record = open_record(client, child)
    refer_url = f"{reverse('multiagency:refer', args=[world.panel.pk])}?child={child.pk}"
    assert refer_url in record.content.decode()
    assert f"Refer to the {world.panel.name}" in page_text(record)
    form = client.get(refer_url)
    assert f'value="{child.formatted_index_number}"' in form.content.decode()
    assert f"Refer {child.display_name} to the panel" in page_text(form)
    client.post(refer_url, {"index_number": child.formatted_index_number, "reason": "Low attendance"})
    assert PanelReferral.objects.filter(child=child, panel=world.panel).exists()


def test_data_manager_logs_a_subject_access_request_from_the_record(user_client):
    data_manager = UserFactory(roles=[Role.DATA_MANAGER])
    practitioner = UserFactory()
    child = ChildFactory()
    new_url = f"{reverse('rights:request_new')}?child={child.pk}"
    assert new_url in open_record(user_client(data_manager), child).content.decode()
    assert new_url not in open_record(user_client(practitioner), child).content.decode()
    form = user_client(data_manager).get(new_url)
    assert f'value="{child.formatted_index_number}"' in form.content.decode()
    assert not AccessRequest.objects.filter(child=child).exists()


def test_caf_home_lists_open_cafs_with_child_names_in_tabs(user_client):
    author = UserFactory()
    child = ChildFactory(given_name="Amira", family_name="Osei")
    assessment = start_caf(author, child)
    other = start_caf(UserFactory(), ChildFactory(given_name="Zed", family_name="Elsewhere"))
    page = user_client(author).get(reverse("caf:home"))
    text = page_text(page)
    assert "Your CAFs (1)" in text and "Overdue reviews (0)" in text and "Checklists (0)" in text
    assert "Amira Osei" in text and assessment.reference in text
    assert "Zed Elsewhere" not in text and other.reference not in text
    assert reverse("caf:detail", args=[assessment.pk]) in page.content.decode()
