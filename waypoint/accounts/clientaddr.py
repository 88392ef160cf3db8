"""Who is asking: the client's network address, believing forwarded headers only from
proxies the operator listed (``TRUSTED_PROXIES``).

``X-Forwarded-For`` is written by whoever sends the request. Believed from anyone, it
lets one client claim a new address on every request and so walk past every limit that
counts by address (sign-in lockouts, the API rate limit). The rule here is uvicorn's own
(``--forwarded-allow-ips``, which ``scripts/serve.py`` passes the same list): only when
the peer is a listed proxy is the header read, from the right, and the first address
that is not a listed proxy is the client. When uvicorn has already done this,
``REMOTE_ADDR`` is the client and the header is left alone, so resolving twice is
harmless.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import AnonRateThrottle

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(listed: tuple[str, ...]) -> tuple[Network, ...]:
    # settings.py has already refused anything that is not an address or a network.
    return tuple(ipaddress.ip_network(item, strict=False) for item in listed)


def _trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_ip(request: HttpRequest) -> str:
    """The client's address (also django-axes' ``AXES_CLIENT_IP_CALLABLE``)."""
    remote = str(request.META.get("REMOTE_ADDR") or "")
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    if not networks or not _trusted(remote, networks):
        return remote
    hops = [hop.strip() for hop in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, networks):
            return hop
    # Every hop is a listed proxy: the request really came from one of them.
    return hops[0] if hops else remote


class ClientAddressRateThrottle(AnonRateThrottle):
    """The API's per-client rate limit, counting by :func:`client_ip`."""

    def get_ident(self, request: HttpRequest) -> str:
        return client_ip(request)
