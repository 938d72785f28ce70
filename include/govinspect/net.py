"""The one HTTP client of govinspect.

Every fetch — liveness probe, page, link, feed — goes through :class:`HttpClient`, which
enforces what a serious crawler of other people's servers must:

* a total deadline per request (connect, TLS, headers and body) that a slow-drip server
  cannot stretch;
* a cap on the decoded body, so compressed bombs stop at the cap;
* redirects followed by hand, each hop checked, loops detected;
* no connection to private, loopback, link-local or otherwise internal addresses unless the
  operator allowlists them (``GOVINSPECT_ALLOW_NETWORKS``) — checked after DNS resolution, so a
  public name that resolves or redirects to an internal address is refused too;
* a curl-like ``--connect-to`` table (``GOVINSPECT_CONNECT_TO``) so real hostnames can be
  served by a test farm without touching ``/etc/hosts``.
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import socket
import ssl
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver

from govinspect.checks.outcomes import Outcome
from govinspect.config import NetSettings

DEFAULT_TIMEOUT = 15.0
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_PER_HOST_RATE = 10.0  # requests per second to one host; 0 turns the limit off
DEFAULT_LIMIT = 64  # requests in flight per client
DEFAULT_LIMIT_PER_HOST = 4  # requests in flight to one host
REDIRECT_STATUSES = {301, 302, 303, 307, 308}


class BlockedAddressError(OSError):
    """A host resolved to an address the operator has not allowed."""


def address_blocked(address: str, allow: tuple) -> bool:
    """True when ``address`` is internal (private, loopback, link-local …) and not allowlisted."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return True
    candidates = [ip]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            candidates.append(ip.ipv4_mapped)
        if ip.sixtofour is not None:
            candidates.append(ip.sixtofour)
    for candidate in candidates:
        if any(candidate in net for net in allow if net.version == candidate.version):
            return False
    return any(
        c.is_private or c.is_loopback or c.is_link_local or c.is_multicast or c.is_reserved or c.is_unspecified
        for c in candidates
    )


class GuardedResolver(AbstractResolver):
    """Resolves through the connect-to table or DNS, then refuses internal addresses."""

    def __init__(self, settings: NetSettings) -> None:
        self._settings = settings
        self._dns = ThreadedResolver()

    async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        target = self._settings.connect_to.get((host.lower(), port))
        if target is not None:
            addr, addr_port = target
            fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
            results: list[ResolveResult] = [
                {"hostname": host, "host": addr, "port": addr_port, "family": fam, "proto": 0, "flags": socket.AI_NUMERICHOST}
            ]
        else:
            results = await self._dns.resolve(host, port, family)
        allowed = [r for r in results if not address_blocked(r["host"], self._settings.allow_networks)]
        if not allowed:
            raise BlockedAddressError(f"{host} resolves only to internal addresses ({', '.join(r['host'] for r in results)})")
        return allowed

    async def close(self) -> None:
        await self._dns.close()


@dataclass
class FetchResult:
    url: str
    outcome: Outcome
    status: int | None = None
    final_url: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    elapsed_ms: int = 0
    redirects: list[str] = field(default_factory=list)
    detail: str = ""

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")


def _classify_exception(exc: BaseException) -> tuple[Outcome, str]:
    if isinstance(exc, (asyncio.TimeoutError, TimeoutError)):
        return Outcome.TIMEOUT, "no complete response within the deadline"
    if isinstance(exc, aiohttp.InvalidURL):
        return Outcome.INVALID_URL, str(exc)
    if isinstance(exc, aiohttp.ClientConnectorError):
        os_error = getattr(exc, "os_error", None)
        if isinstance(os_error, BlockedAddressError) or isinstance(exc.__cause__, BlockedAddressError):
            return Outcome.BLOCKED_PRIVATE_ADDRESS, str(os_error or exc.__cause__)
        if isinstance(exc, (aiohttp.ClientConnectorCertificateError, aiohttp.ClientConnectorSSLError)):
            return Outcome.TLS_ERROR, str(exc)
        dns_error = getattr(aiohttp, "ClientConnectorDNSError", ())
        if (dns_error and isinstance(exc, dns_error)) or isinstance(os_error, socket.gaierror):
            return Outcome.DNS_ERROR, str(exc)
        return Outcome.CONNECT_ERROR, str(exc)
    if isinstance(exc, BlockedAddressError):
        return Outcome.BLOCKED_PRIVATE_ADDRESS, str(exc)
    if isinstance(exc, (aiohttp.ClientSSLError, ssl.SSLError)):
        return Outcome.TLS_ERROR, str(exc)
    if isinstance(exc, (aiohttp.ClientPayloadError, aiohttp.ServerDisconnectedError, aiohttp.ClientResponseError)):
        return Outcome.PROTOCOL_ERROR, str(exc) or type(exc).__name__
    if isinstance(exc, (aiohttp.ClientError, OSError)):
        return Outcome.CONNECT_ERROR, str(exc) or type(exc).__name__
    raise exc


class _Deadline:
    """One fetch's time budget, started by the first request actually sent."""

    def __init__(self, timeout: asyncio.Timeout, budget: float, sent: list[float]) -> None:
        self._timeout = timeout
        self._budget = budget
        self._sent = sent

    def start(self) -> None:
        if not self._sent:
            self._sent.append(time.monotonic())
            self._timeout.reschedule(asyncio.get_running_loop().time() + self._budget)

    def elapsed(self) -> float:
        return time.monotonic() - self._sent[0] if self._sent else 0.0


def _retry_after(result: FetchResult) -> float | None:
    """Seconds a 429 answer asks us to wait (delta-seconds form only; an HTTP date is not waited for)."""
    if result.status != 429:
        return None
    value = result.headers.get("retry-after", "1").strip()
    return float(value) if value.isdigit() else None


def limit_for_hosts(hosts: int, per_host: int = DEFAULT_LIMIT_PER_HOST) -> int:
    """Requests in flight for one client that works on ``hosts`` hosts at once (a batch of sites): room
    for every host at its own cap, never less than :data:`DEFAULT_LIMIT`. Politeness stays per host;
    a fixed limit would let a batch of many slow or rate-limited hosts wait on each other."""
    return max(DEFAULT_LIMIT, per_host * hosts)


def status_outcome(status: int) -> Outcome:
    if 400 <= status < 500:
        return Outcome.HTTP_4XX
    if status >= 500:
        return Outcome.HTTP_5XX
    return Outcome.OK


class HttpClient:
    """An aiohttp session with govinspect's safety rules. Use as ``async with HttpClient() as c``."""

    def __init__(
        self,
        settings: NetSettings | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_redirects: int = 10,
        limit: int = DEFAULT_LIMIT,
        limit_per_host: int = DEFAULT_LIMIT_PER_HOST,
        per_host_rate: float | None = -1.0,
    ) -> None:
        self.settings = settings or NetSettings.from_env()
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self._limit = limit
        self._limit_per_host = limit_per_host
        self._session: aiohttp.ClientSession | None = None
        if per_host_rate is not None and per_host_rate < 0:
            per_host_rate = float(os.environ.get("GOVINSPECT_PER_HOST_RATE", DEFAULT_PER_HOST_RATE))
        self._per_host_interval = 1.0 / per_host_rate if per_host_rate else 0.0
        self._host_next: dict[str, float] = {}
        self._host_locks: dict[str, asyncio.Lock] = {}
        # Requests in flight are bounded here (per host, then in all), not by waiting inside aiohttp's
        # connector: its queue of waiters is reshuffled on every released connection, which costs
        # O(hosts) per request when a probe round or a batch of sites waits on many hosts at once.
        self._in_flight: asyncio.Semaphore | None = None
        self._host_slots: dict[str, asyncio.Semaphore] = {}
        self.cache: dict[Any, Any] = {}  # results shared for the life of the client (one run): link checks, robots.txt

    async def _polite(self, host: str) -> None:
        """Space requests to one host at least ``1 / per_host_rate`` seconds apart."""
        if not self._per_host_interval:
            return
        lock = self._host_locks.setdefault(host, asyncio.Lock())
        async with lock:
            now = time.monotonic()
            wait = self._host_next.get(host, now) - now
            self._host_next[host] = max(now, self._host_next.get(host, now)) + self._per_host_interval
        if wait > 0:
            await asyncio.sleep(wait)

    async def __aenter__(self) -> HttpClient:
        self._in_flight = asyncio.Semaphore(self._limit or 1 << 30)  # 0 means no limit, as in aiohttp
        connector = aiohttp.TCPConnector(
            resolver=GuardedResolver(self.settings),
            limit=self._limit,
            limit_per_host=self._limit_per_host,
            ttl_dns_cache=300,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            headers={"User-Agent": self.settings.user_agent, "Accept-Language": "zh-CN,zh;q=0.9"},
            timeout=aiohttp.ClientTimeout(total=None),
            cookie_jar=aiohttp.DummyCookieJar(),
        )
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _literal_blocked(self, host: str) -> bool:
        """An IP literal (not a name) that is internal and not allowlisted."""
        if not host[:1].isdigit() and ":" not in host:
            return False  # a name, not an address: the resolver checks the addresses it resolves to
        try:
            ipaddress.ip_address(host)
        except ValueError:
            return False
        return address_blocked(host, self.settings.allow_networks)

    async def fetch(
        self,
        url: str,
        *,
        method: str = "GET",
        timeout: float | None = None,
        max_bytes: int | None = None,
        truncate: bool = False,
        headers: dict[str, str] | None = None,
    ) -> FetchResult:
        """Fetch ``url`` following redirects; never raises for network trouble.

        ``truncate`` reads at most ``max_bytes`` and stops without calling the page too large
        (a link check needs to know the link works, not the whole file).
        """
        assert self._session is not None, "use HttpClient as an async context manager"
        started = time.monotonic()
        budget = self.timeout if timeout is None else timeout
        result = FetchResult(url=url, outcome=Outcome.NOT_CHECKED)
        limit = self.max_bytes if max_bytes is None else max_bytes
        sent: list[float] = []
        try:
            # The deadline starts when the request is sent, not while it waits for a free slot or for
            # the host's politeness interval: queueing behind our own requests is never the site's fault.
            async with asyncio.timeout(None) as deadline:
                clock = _Deadline(deadline, budget, sent)
                await self._follow(url, method, limit, truncate, headers or {}, result, clock)
                retry_after = _retry_after(result)
                if retry_after is not None and clock.elapsed() + retry_after < budget:
                    # 429 Too Many Requests: wait as told once, within the same deadline.
                    await asyncio.sleep(retry_after)
                    result = FetchResult(url=url, outcome=Outcome.NOT_CHECKED)
                    await self._follow(url, method, limit, truncate, headers or {}, result, clock)
        except Exception as exc:  # noqa: BLE001 - every network failure becomes an outcome
            result.outcome, result.detail = _classify_exception(exc)
        result.elapsed_ms = int((time.monotonic() - (sent[0] if sent else started)) * 1000)
        return result

    async def _follow(
        self, url: str, method: str, limit: int, truncate: bool, headers: dict[str, str], result: FetchResult,
        clock: _Deadline,
    ) -> None:
        seen = {url}
        current = url
        for _hop in range(self.max_redirects + 1):
            parts = urlsplit(current)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                result.outcome, result.detail = Outcome.INVALID_URL, f"not an http(s) URL: {current[:200]}"
                return
            if self._literal_blocked(parts.hostname):
                result.outcome, result.detail = Outcome.BLOCKED_PRIVATE_ADDRESS, f"{parts.hostname} is an internal address"
                return
            if self._per_host_interval:
                await self._polite(parts.hostname)
            host_slot = self._host_slots.get(parts.hostname) or self._host_slots.setdefault(
                parts.hostname, asyncio.Semaphore(self._limit_per_host or self._limit or 1 << 30))
            async with host_slot, self._in_flight:
                clock.start()
                async with self._session.request(method, current, allow_redirects=False, headers=headers) as response:
                    result.status = response.status
                    result.final_url = str(response.url)
                    result.headers = {k.lower(): v for k, v in response.headers.items()}
                    location = response.headers.get("Location")
                    if response.status in REDIRECT_STATUSES and location:
                        nxt = urljoin(current, location)
                        result.redirects.append(nxt)
                        if nxt in seen:
                            result.outcome, result.detail = Outcome.REDIRECT_LOOP, f"redirect back to {nxt[:200]}"
                            return
                        seen.add(nxt)
                        current = nxt
                        if response.status == 303:
                            method = "GET"
                        continue
                    body = bytearray()
                    if method != "HEAD":
                        while chunk := await response.content.read(65536):
                            body.extend(chunk)
                            if len(body) > limit:
                                if truncate:
                                    del body[limit:]
                                    break
                                result.outcome, result.detail = Outcome.TOO_LARGE, f"body larger than {limit} bytes"
                                return
                    result.body = bytes(body)
                    result.outcome = status_outcome(response.status)
                    return
        result.outcome, result.detail = Outcome.TOO_MANY_REDIRECTS, f"more than {self.max_redirects} redirects"


def run(coro: Any) -> Any:
    """Run a coroutine from synchronous code (CLI, Airflow task)."""
    return asyncio.run(coro)
