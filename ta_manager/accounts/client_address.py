"""Which address a request comes from, for login throttling.

The peer of the TCP connection, unless that peer is one of TA_TRUSTED_PROXIES: then the
X-Forwarded-For chain is read from the right, skipping trusted proxies, and the first
address no trusted proxy vouches for is the client. A client-sent X-Forwarded-For is
never believed on its own (else anyone could invent a new address per guess).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from ta_manager.settings import Network

IP = ipaddress.IPv4Address | ipaddress.IPv6Address


def _ip(text: str) -> IP | None:
    """An address from a hop such as `203.0.113.7`, `203.0.113.7:5100` or `[2001:db8::1]:80`."""
    text = text.strip().strip('"')
    candidates = [text]
    if text.startswith("[") and "]" in text:
        candidates.append(text[1 : text.index("]")])
    elif text.count(":") == 1:
        candidates.append(text.split(":")[0])
    for candidate in candidates:
        try:
            return ipaddress.ip_address(candidate)
        except ValueError:
            continue
    return None


def is_trusted(address: IP, proxies: Iterable[Network]) -> bool:
    return any(address.version == net.version and address in net for net in proxies)


def client_address(
    peer: str | None, forwarded_for: Iterable[str], proxies: tuple[Network, ...]
) -> str:
    """The client's address: `peer` is the connection's, `forwarded_for` the values of every
    X-Forwarded-For header in order."""
    if not peer:
        return "unknown"
    peer_ip = _ip(peer)
    if not proxies or peer_ip is None or not is_trusted(peer_ip, proxies):
        return peer
    hops = [hop for value in forwarded_for for hop in value.split(",") if hop.strip()]
    address: IP = peer_ip
    for hop in reversed(hops):
        ip = _ip(hop)
        if ip is None:  # garbage in the chain: believe nothing to its left
            break
        address = ip
        if not is_trusted(ip, proxies):
            break
    return str(address)
