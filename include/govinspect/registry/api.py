"""The optional JSON registry API of a province platform (省级政府网站与政务新媒体管理平台).

Province platforms expose their registry as paged JSON. The base URL and the token come from the
caller — the DAG reads them from an Airflow Connection; this module never imports Airflow. Every
request has deadlines (to connect, for each wait, for the whole body); transient failures
(connection errors, timeouts, 429, 5xx) are retried with exponential backoff; a refused token or
a missing resource fails at once.

Pages are read until a page comes back shorter than the page size, the stated total is reached,
or the answer's ``next`` link (same origin only) runs out. Records are validated by the same
schema as the export files, so a bad record is quarantined like a bad row.

Like every fetch of govinspect (:mod:`govinspect.net`), the client connects to no private,
loopback or link-local address unless ``GOVINSPECT_ALLOW_NETWORKS`` allows it: the addresses a
name resolves to are checked on each connection, redirects included, and the connection is made
to the address that was checked.
"""

from __future__ import annotations

import hashlib
import json
import re
import socket
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util.connection import allowed_gai_family, create_connection

from govinspect.config import NetSettings
from govinspect.net import address_blocked
from govinspect.registry.parse import ParsedSource, parse_records
from govinspect.registry.readers import RegistryFileError
from govinspect.registry.schema import KINDS_BY_NAME

RECORD_KEYS = ("records", "items", "data", "list", "rows", "results")
TOTAL_KEYS = ("total", "totalCount", "total_count", "count", "totalElements")
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
MAX_BODY_BYTES = 50 * 1024 * 1024
MAX_RETRY_AFTER = 120.0
USER_AGENT = "govinspect registry client"
_CERTIFICATE_REFUSED = re.compile(r"certificate verify failed: ([^()'\"]+)", re.IGNORECASE)


class RegistryApiError(RegistryFileError):
    """The registry API could not be read: the source is unusable and nothing of it is written."""


class _InternalAddress(Exception):  # noqa: N818 - not an OSError, so that urllib3 and requests pass it on unwrapped
    """The API's host resolved only to addresses the operator has not allowed."""


class _GuardedConnection(HTTPConnection):
    """Connects only to an allowed address of the host, checked after DNS resolution."""

    def _new_conn(self) -> socket.socket:
        host = self._dns_host.strip("[]")
        try:
            found = socket.getaddrinfo(host, self.port, allowed_gai_family(), socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise NameResolutionError(self.host, self, exc) from exc
        addresses = list(dict.fromkeys(str(info[4][0]) for info in found))
        allow = NetSettings.from_env().allow_networks
        allowed = [a for a in addresses if not address_blocked(a, allow)]
        if not allowed:
            raise _InternalAddress(f"{self.host} is an internal address ({', '.join(addresses)}); allow its network "
                                   "with GOVINSPECT_ALLOW_NETWORKS to read a registry API there")
        last: OSError | None = None
        for address in allowed:
            try:
                return create_connection((address, self.port), self.timeout, source_address=self.source_address,
                                         socket_options=self.socket_options)
            except TimeoutError as exc:
                raise ConnectTimeoutError(self, f"Connection to {self.host} timed out") from exc
            except OSError as exc:
                last = exc
        raise NewConnectionError(self, f"Failed to establish a new connection: {last}")


class _GuardedHTTPSConnection(_GuardedConnection, HTTPSConnection):
    """TLS over the guarded connection; the certificate is still checked against the host name."""


class _GuardedPool(HTTPConnectionPool):
    ConnectionCls = _GuardedConnection


class _GuardedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


class _GuardedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _GuardedPool, "https": _GuardedHTTPSPool}


def guarded_session(session: requests.Session | None = None) -> requests.Session:
    """A session (a new one, or the one given) whose connections refuse internal addresses.

    Proxies are not used, whether from ``HTTP_PROXY``/``HTTPS_PROXY``/``ALL_PROXY``, ``.netrc`` or
    the session: a proxy would open the connection itself, past the address check. The website
    and account checks (`govinspect.http1`) ignore those variables too.
    """
    session = session or requests.Session()
    session.trust_env = False
    session.proxies.clear()
    session.mount("http://", _GuardedAdapter())
    session.mount("https://", _GuardedAdapter())
    return session


@dataclass(frozen=True)
class ApiSource:
    """Where and how to read a province registry API.

    ``resources`` maps an input kind (``websites``, ``accounts``, ``units``) to its path under
    ``base_url``. ``timeout`` bounds the connection, each wait for the server and the whole body;
    ``retries`` transient failures are retried after ``backoff``, 2×, 4× … seconds (capped at
    ``max_backoff``), or after the server's ``Retry-After`` when it sends one.
    """

    base_url: str
    token: str | None = field(default=None, repr=False)
    resources: Mapping[str, str] = field(default_factory=lambda: {"websites": "websites", "accounts": "accounts"})
    page_size: int = 100
    page_param: str = "page"
    size_param: str = "page_size"
    first_page: int = 1
    timeout: float = 30.0
    retries: int = 4
    backoff: float = 1.0
    max_backoff: float = 30.0
    max_pages: int = 10_000
    verify: bool | str = True
    params: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, host: str, *, schema: str | None = None, port: int | None = None,
                      token: str | None = None, extra: Mapping[str, Any] | None = None) -> ApiSource:
        """Build a source from connection fields: ``host`` may be a full URL; ``schema`` is the
        protocol; ``extra`` may hold ``path``, ``resources``, ``page_size``, ``page_param``,
        ``size_param``, ``first_page``, ``timeout``, ``retries``, ``backoff``, ``max_backoff``,
        ``max_pages``, ``verify`` and fixed query ``params``."""
        extra = dict(extra or {})
        if not host:
            raise ValueError("the registry API connection has no host")
        if schema and schema not in ("http", "https"):
            raise ValueError(f"the registry API connection's schema must be http or https, not {schema!r}")
        if "://" in host:
            base = host
        else:
            base = f"{schema or 'https'}://{host}" + (f":{port}" if port else "")
        if extra.get("path"):
            base = base.rstrip("/") + "/" + str(extra.pop("path")).lstrip("/")
        known = {f for f in cls.__dataclass_fields__ if f not in ("base_url", "token")}
        unknown = sorted(set(extra) - known)
        if unknown:
            raise ValueError(f"unknown registry API setting(s): {', '.join(unknown)}")
        return cls(base_url=base, token=token or None, **extra)

    @classmethod
    def from_connection(cls, conn: Any) -> ApiSource:
        """From an object with the attributes of an Airflow Connection (host, schema, port,
        password as the token, extra_dejson), without importing Airflow."""
        return cls.from_settings(conn.host, schema=conn.schema or None, port=conn.port, token=conn.password,
                                 extra=conn.extra_dejson)

    def __post_init__(self) -> None:
        if urlsplit(self.base_url).scheme not in ("http", "https") or not urlsplit(self.base_url).netloc:
            raise ValueError(f"the registry API base URL must be an http(s) address, not {self.base_url!r}")
        if self.page_size < 1 or self.timeout <= 0 or self.retries < 0 or self.backoff < 0:
            raise ValueError("the registry API needs page_size ≥ 1, timeout > 0, retries ≥ 0 and backoff ≥ 0")
        unknown = sorted(set(self.resources) - set(KINDS_BY_NAME))
        if unknown:
            raise ValueError(f"unknown registry API resource kind(s): {', '.join(unknown)}")

    def resource_url(self, kind: str) -> str:
        return urljoin(self.base_url.rstrip("/") + "/", self.resources[kind].lstrip("/"))


@dataclass
class Fetched:
    """The records of one resource and what it took to read them."""

    url: str
    records: list[dict[str, Any]]
    pages: int
    attempts: int
    sha256: str


def _records_of(doc: Any) -> tuple[list[Any] | None, int | None, str | None]:
    """(records, stated total, next link) of one page, whatever envelope the platform uses."""
    if isinstance(doc, list):
        return doc, None, None
    if not isinstance(doc, dict):
        return None, None, None
    total = next((doc[k] for k in TOTAL_KEYS if isinstance(doc.get(k), int)), None)
    link = doc.get("next") if isinstance(doc.get("next"), str) else None
    for key in RECORD_KEYS:
        value = doc.get(key)
        if isinstance(value, list):
            return value, total, link
        if isinstance(value, dict):
            inner, inner_total, inner_link = _records_of(value)
            if inner is not None:
                return inner, total if total is not None else inner_total, link or inner_link
    return None, total, link


class _Client:
    def __init__(self, source: ApiSource, session: requests.Session, sleep: Callable[[float], None]) -> None:
        self.source = source
        self.session = session
        self.sleep = sleep
        self.attempts = 0

    def _delay(self, attempt: int, response: requests.Response | None) -> float:
        delay = min(self.source.backoff * (2 ** attempt), self.source.max_backoff)
        header = response.headers.get("Retry-After") if response is not None else None
        if header:
            try:
                delay = float(header)
            except ValueError:
                try:
                    delay = parsedate_to_datetime(header).timestamp() - time.time()
                except (TypeError, ValueError):
                    pass
            delay = max(0.0, min(delay, MAX_RETRY_AFTER))
        return delay

    def _read(self, response: requests.Response, deadline: float, url: str) -> bytes:
        """The body, within the request's deadline however slowly the server sends it: each read
        returns as soon as some bytes arrive (or the read timeout passes), then the deadline is checked."""
        chunks, size = [], 0
        try:
            while True:
                chunk = response.raw.read1(65536, decode_content=True)
                if not chunk:
                    break
                size += len(chunk)
                if size > MAX_BODY_BYTES:
                    raise RegistryApiError(url, f"the answer exceeds {MAX_BODY_BYTES // 2**20} MB")
                chunks.append(chunk)
                if time.monotonic() > deadline:
                    raise requests.Timeout(f"no complete answer within {self.source.timeout:g} s")
        except requests.RequestException:
            raise
        except (urllib3.exceptions.ReadTimeoutError, TimeoutError) as exc:
            raise requests.Timeout(f"no data for {self.source.timeout:g} s") from exc
        except (urllib3.exceptions.ProtocolError, OSError) as exc:
            raise requests.ConnectionError(f"the connection broke off ({type(exc).__name__})") from exc
        return b"".join(chunks)

    def get(self, url: str, params: Mapping[str, Any] | None) -> Any:
        """One page, retried on transient failures; its JSON document."""
        headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
        if self.source.token:
            headers["Authorization"] = f"Bearer {self.source.token}"
        last = ""
        for attempt in range(self.source.retries + 1):
            self.attempts += 1
            response = None
            deadline = time.monotonic() + self.source.timeout
            try:
                response = self.session.get(url, params=params, headers=headers, timeout=self.source.timeout,
                                            verify=self.source.verify, stream=True, allow_redirects=True)
                with response:
                    status = response.status_code
                    if status in (401, 403):
                        raise RegistryApiError(url, f"HTTP {status}: the token was refused")
                    if status >= 400 and status not in RETRY_STATUSES:
                        raise RegistryApiError(url, f"HTTP {status}")
                    if status in RETRY_STATUSES:
                        last = f"HTTP {status}"
                    else:
                        return _json(url, response, self._read(response, deadline, url))
            except _InternalAddress as exc:
                raise RegistryApiError(url, str(exc)) from None
            except requests.exceptions.SSLError as exc:
                refused = _CERTIFICATE_REFUSED.search(str(exc))
                if refused:  # a certificate does not heal in a few seconds: not retried
                    raise RegistryApiError(url, f"TLS certificate refused ({refused.group(1).strip()})") from None
                last = "TLS handshake failed"
            except requests.Timeout as exc:
                last = f"timeout ({exc})"
            except requests.ConnectionError as exc:
                last = f"connection failed ({type(exc).__name__})"
            except requests.RequestException as exc:
                raise RegistryApiError(url, f"request failed ({type(exc).__name__})") from exc
            if attempt < self.source.retries:
                self.sleep(self._delay(attempt, response))
        raise RegistryApiError(url, f"no usable answer after {self.source.retries + 1} attempts (last: {last})")


def _json(url: str, response: requests.Response, body: bytes) -> Any:
    """JSON is UTF-8 unless the server names another charset (some platforms answer in GBK)."""
    declared = "charset=" in (response.headers.get("Content-Type") or "").lower()
    try:
        return json.loads(body.decode(response.encoding) if declared and response.encoding else body)
    except (ValueError, LookupError) as exc:
        raise RegistryApiError(url, f"the answer is not JSON ({type(exc).__name__}: {str(exc)[:120]})") from exc


def fetch_resource(source: ApiSource, kind: str, *, session: requests.Session | None = None,
                   sleep: Callable[[float], None] = time.sleep) -> Fetched:
    """Every record of one resource, page by page. Raises :class:`RegistryApiError` when it cannot be read."""
    url = source.resource_url(kind)
    own = session is None
    client = _Client(source, guarded_session(session), sleep)
    origin = urlsplit(url)[:2]
    records: list[dict[str, Any]] = []
    digest = hashlib.sha256()
    page, pages, next_url = source.first_page, 0, None
    previous_first: Any = object()
    try:
        while True:
            if pages >= source.max_pages:
                raise RegistryApiError(url, f"more than {source.max_pages} pages; refused")
            if next_url:
                doc = client.get(next_url, None)
            else:
                doc = client.get(url, {**source.params, source.page_param: page, source.size_param: source.page_size})
            pages += 1
            batch, total, link = _records_of(doc)
            if batch is None:
                raise RegistryApiError(url, "the answer holds no list of records (expected e.g. "
                                            f"{{\"{RECORD_KEYS[0]}\": [...], \"total\": N}})")
            if batch and batch[0] == previous_first:
                raise RegistryApiError(url, f"page {page} repeats the previous page; the server ignores paging")
            previous_first = batch[0] if batch else previous_first
            digest.update(json.dumps(batch, ensure_ascii=False, sort_keys=True, default=str).encode())
            for item in batch:
                if not isinstance(item, dict):
                    raise RegistryApiError(url, f"page {page} holds a record that is not an object")
                records.append(item)
            if link:
                target = urljoin(url, link)
                if urlsplit(target)[:2] != origin:
                    raise RegistryApiError(url, f"the next-page link leaves the API ({urlsplit(target).netloc})")
                next_url = target
                page += 1
                continue
            if next_url and not link:
                break
            if not batch or len(batch) < source.page_size or (total is not None and len(records) >= total):
                break
            page += 1
    finally:
        if own:
            client.session.close()
    return Fetched(url, records, pages, client.attempts, digest.hexdigest())


def fetch_and_parse(source: ApiSource, as_of: date, *, session: requests.Session | None = None,
                    sleep: Callable[[float], None] = time.sleep) -> list[ParsedSource]:
    """Every configured resource read and validated; nothing is written."""
    out = []
    for kind in source.resources:
        fetched = fetch_resource(source, kind, session=session, sleep=sleep)
        if not fetched.records and not KINDS_BY_NAME[kind].may_be_empty:
            raise RegistryApiError(fetched.url, f"no {KINDS_BY_NAME[kind].label} records; refused rather than "
                                                "emptying the quarter's registry")
        out.append(parse_records(fetched.records, KINDS_BY_NAME[kind], fetched.url, as_of, fetched.sha256))
    return out
