"""Associations' premises: the address ranges where many people share one connection (a day
centre's Wi-Fi), so that the guest form's limit per address does not lock them all out."""

import ipaddress

import sqlalchemy as sa
from flask import current_app, g, request

from app.extensions import db
from app.models import Organisation

# Narrower than a whole provider's block: a premises is one site, never a city.
SHORTEST_PREFIX = {4: 16, 6: 48}

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(text: str) -> list[Network]:
    """One range (or one address) a line; ValueError names the first line that is not one."""
    networks = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        try:
            network = ipaddress.ip_network(line, strict=False)
        except ValueError as error:
            raise ValueError(number, line) from error
        if network.prefixlen < SHORTEST_PREFIX[network.version]:
            raise ValueError(number, line)
        networks.append(network)
    return networks


def _all_networks() -> list[Network]:
    texts = db.session.scalars(
        sa.select(Organisation.premises_networks).where(Organisation.premises_networks != "")
    )
    return [network for text in texts for network in parse_networks(text)]


def from_premises() -> bool:
    """Whether this request comes from an address an organisation declared as its premises."""
    if "from_premises" not in g:
        try:
            address = ipaddress.ip_address(request.remote_addr or "")
        except ValueError:
            g.from_premises = False
        else:
            g.from_premises = any(address in network for network in _all_networks())
    return g.from_premises


def guest_testimony_limit() -> str:
    """The guest form's limit for this address: much higher on an association's premises."""
    key = "GUEST_TESTIMONY_PREMISES_RATE_LIMIT" if from_premises() else "GUEST_TESTIMONY_RATE_LIMIT"
    return current_app.config[key]
