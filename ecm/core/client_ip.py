"""The one answer to "which address did this request come from?".

Forwarding headers (``X-Forwarded-For``, ``X-Real-IP``) are believed only when the peer
that connected to us (``REMOTE_ADDR``) is one of ``settings.ECM_TRUSTED_PROXIES`` (addresses
or networks). From anyone else they are ignored, so a caller cannot pick the address the
audit records, the sign-in lockout counts or the rate limits key on. With no trusted
proxies (the default) the answer is always ``REMOTE_ADDR``.

When the peer is trusted, django-ipware reads the forwarded chain: the client is the
right-most entry that is not itself a trusted proxy (each trusted proxy appends the address
it saw, so entries to the left of it are whatever the client chose to send).

Used by ``RequestContextMiddleware`` (and so every audit event and the misuse rules that read
them), django-axes (``AXES_CLIENT_IP_CALLABLE``), session records and the rate limits.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest
from ipware import get_client_ip

FORWARDING_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP")

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def trusted_networks() -> tuple[Network, ...]:
    return _networks(tuple(getattr(settings, "ECM_TRUSTED_PROXIES", ()) or ()))


def _parse(value: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        ip = ipaddress.ip_address((value or "").strip())
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        return ip.ipv4_mapped
    return ip


def is_trusted_proxy(value: str | None, networks: Iterable[Network] | None = None) -> bool:
    ip = _parse(value)
    if ip is None:
        return False
    return any(ip in net for net in (trusted_networks() if networks is None else networks))


def client_ip(request: HttpRequest) -> str | None:
    peer = request.META.get("REMOTE_ADDR") or None
    networks = trusted_networks()
    if not networks or not is_trusted_proxy(peer, networks):
        return peer
    # The peer is our proxy. Count the trusted proxies at the right of the chain it forwarded,
    # so django-ipware picks the first address to their left.
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    trailing = 0
    for hop in reversed(forwarded[1:]):
        if not is_trusted_proxy(hop, networks):
            break
        trailing += 1
    ip, _routable = get_client_ip(
        request,
        proxy_order="left-most",
        proxy_count=trailing,
        request_header_order=FORWARDING_HEADERS,
        strict=False,
    )
    return ip or peer
