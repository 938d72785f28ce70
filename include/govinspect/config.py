"""Settings read from the environment, in one place.

Every setting has an embedded default so that the demo needs no server; a deployment
points them at PostgreSQL and real directories.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from pathlib import Path


def _home() -> Path:
    return Path(os.environ.get("GOVINSPECT_HOME", ".govinspect")).resolve()


def db_url() -> str:
    """``GOVINSPECT_DB_URL``, else a SQLite file under ``GOVINSPECT_HOME``."""
    url = os.environ.get("GOVINSPECT_DB_URL", "").strip()
    if url:
        return url
    home = _home()
    home.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{home / 'govinspect.db'}"


def reports_dir() -> Path:
    return Path(os.environ.get("GOVINSPECT_REPORTS_DIR", "reports")).resolve()


def parse_networks(text: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """Parse a comma-separated CIDR list such as ``127.0.0.0/8,::1/128``."""
    nets = []
    for part in (text or "").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            nets.append(ipaddress.ip_network(part, strict=False))
        except ValueError as exc:
            raise ValueError(f"GOVINSPECT_ALLOW_NETWORKS: {part!r} is not a CIDR network") from exc
    return tuple(nets)


def parse_connect_to(text: str) -> dict[tuple[str, int], tuple[str, int]]:
    """Parse curl ``--connect-to`` entries ``host:port:addr:addrport``, comma separated."""
    table: dict[tuple[str, int], tuple[str, int]] = {}
    for entry in (text or "").split(","):
        entry = entry.strip()
        if not entry:
            continue
        parts = entry.rsplit(":", 3)
        if len(parts) != 4 or not parts[1].isdigit() or not parts[3].isdigit():
            raise ValueError(f"GOVINSPECT_CONNECT_TO: {entry!r} is not host:port:address:port")
        host, port, addr, addr_port = parts
        table[(host.lower(), int(port))] = (addr.strip("[]"), int(addr_port))
    return table


@dataclass(frozen=True)
class NetSettings:
    """What the HTTP client may reach and how hostnames are resolved."""

    allow_networks: tuple = ()
    connect_to: dict = field(default_factory=dict)
    user_agent: str = "govinspect/0.1 (+government website inspection)"

    @classmethod
    def from_env(cls) -> NetSettings:
        return cls(
            allow_networks=parse_networks(os.environ.get("GOVINSPECT_ALLOW_NETWORKS", "")),
            connect_to=parse_connect_to(os.environ.get("GOVINSPECT_CONNECT_TO", "")),
        )
