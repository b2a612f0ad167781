"""The client address: forwarding headers count only when a trusted proxy sent them."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import Client, RequestFactory

from ecm.accounts.tests.factories import UserFactory
from ecm.audit.models import AuditEvent
from ecm.core.client_ip import client_ip

PROXY = "10.0.0.5"
CLIENT = "203.0.113.7"
SPOOFED = "198.51.100.66"


def request_from(peer: str, **headers: str):
    return RequestFactory().get("/", REMOTE_ADDR=peer, **headers)


def test_no_trusted_proxies_means_the_peer_address(settings):
    settings.ECM_TRUSTED_PROXIES = []
    request = request_from(CLIENT, HTTP_X_FORWARDED_FOR=SPOOFED, HTTP_X_REAL_IP=SPOOFED)
    assert client_ip(request) == CLIENT


def test_spoofed_headers_from_an_untrusted_peer_are_ignored(settings):
    settings.ECM_TRUSTED_PROXIES = [PROXY]
    request = request_from(CLIENT, HTTP_X_FORWARDED_FOR=SPOOFED, HTTP_X_REAL_IP=SPOOFED)
    assert client_ip(request) == CLIENT


def test_forwarded_for_from_a_trusted_proxy_is_used(settings):
    settings.ECM_TRUSTED_PROXIES = ["10.0.0.0/24"]
    # The client sent its own X-Forwarded-For; the proxy appended the address it saw.
    request = request_from(PROXY, HTTP_X_FORWARDED_FOR=f"{SPOOFED}, {CLIENT}")
    assert client_ip(request) == CLIENT


def test_a_chain_of_trusted_proxies_is_walked_from_the_right(settings):
    settings.ECM_TRUSTED_PROXIES = ["10.0.0.0/24", "192.168.1.1"]
    request = request_from(PROXY, HTTP_X_FORWARDED_FOR=f"{SPOOFED}, {CLIENT}, 192.168.1.1")
    assert client_ip(request) == CLIENT


def test_real_ip_from_a_trusted_proxy_is_used(settings):
    settings.ECM_TRUSTED_PROXIES = [PROXY]
    assert client_ip(request_from(PROXY, HTTP_X_REAL_IP=CLIENT)) == CLIENT


def test_a_trusted_proxy_that_forwards_nothing_is_the_client(settings):
    settings.ECM_TRUSTED_PROXIES = [PROXY]
    assert client_ip(request_from(PROXY)) == PROXY
    assert client_ip(request_from(PROXY, HTTP_X_FORWARDED_FOR="not an address")) == PROXY


@pytest.mark.django_db
def test_the_audit_records_the_peer_not_a_spoofed_header(settings):
    settings.ECM_TRUSTED_PROXIES = [PROXY]
    user = UserFactory()
    Client(REMOTE_ADDR=CLIENT).post(
        "/sign-in/",
        {"username": user.username, "password": "wrong-password"},
        HTTP_X_REAL_IP=SPOOFED,
        HTTP_X_FORWARDED_FOR=SPOOFED,
    )
    event = AuditEvent.objects.filter(action="sign_in.failed").last()
    assert event is not None and event.ip_address == CLIENT


@pytest.mark.django_db
def test_the_audit_records_the_client_behind_a_trusted_proxy(settings):
    settings.ECM_TRUSTED_PROXIES = [PROXY]
    user = UserFactory()
    Client(REMOTE_ADDR=PROXY).post(
        "/sign-in/", {"username": user.username, "password": "wrong-password"}, HTTP_X_FORWARDED_FOR=CLIENT
    )
    event = AuditEvent.objects.filter(action="sign_in.failed").last()
    assert event is not None and event.ip_address == CLIENT


@pytest.mark.django_db
def test_lockout_counts_the_real_client_so_a_spoofer_cannot_lock_out_a_colleague(settings):
    settings.ECM_TRUSTED_PROXIES = [PROXY]
    user = UserFactory()
    # An attacker connecting directly claims to be the colleague's address.
    Client(REMOTE_ADDR=SPOOFED).post(
        "/sign-in/", {"username": user.username, "password": "wrong-password"}, HTTP_X_FORWARDED_FOR=CLIENT
    )
    # Through the proxy, the colleague's address is the forwarded one.
    Client(REMOTE_ADDR=PROXY).post(
        "/sign-in/", {"username": user.username, "password": "wrong-password"}, HTTP_X_FORWARDED_FOR=CLIENT
    )
    addresses = set(AccessAttempt.objects.values_list("ip_address", flat=True))
    assert addresses == {SPOOFED, CLIENT}
