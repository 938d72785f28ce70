"""TLS: a server with a self-signed certificate is a ``tls_error`` at once, on every fetch path, never
a page read; a server that accepts the connection and never completes the handshake is a
``timeout`` within the deadline. The registry API client refuses the certificate without retrying.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from loopback import LoopbackServers

from govinspect.checks.liveness import probe
from govinspect.checks.website import SiteTarget, check_link, check_website
from govinspect.config import NetSettings, parse_connect_to, parse_networks
from govinspect.net import HttpClient, run
from govinspect.newmedia.adapters import check_accounts
from govinspect.newmedia.model import AccountTarget, Freshness
from govinspect.newmedia.settings import SourceSettings
from govinspect.registry.api import ApiSource, RegistryApiError, fetch_resource

pytestmark = pytest.mark.usefixtures("each_event_loop")  # on uvloop and on asyncio's own loop

HOST = "www.example.gov.cn"
DEADLINE = 2.0


def _self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for the test host and 127.0.0.1, signed by its own key (no CA vouches for it)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(HOST),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@dataclass
class TlsServer:
    cert: Path
    port: int = 0
    silent_port: int = 0
    requests: list[str] = field(default_factory=list)

    def connect_to(self) -> NetSettings:
        return NetSettings(allow_networks=parse_networks("127.0.0.0/8"), connect_to=parse_connect_to(
            f"{HOST}:443:127.0.0.1:{self.port},silent.example.gov.cn:443:127.0.0.1:{self.silent_port}"))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TlsServer]:
    cert, key = _self_signed(tmp_path_factory.mktemp("tls"))
    s = TlsServer(cert)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)

    async def page(request: web.Request) -> web.Response:
        s.requests.append(str(request.rel_url))
        if request.path.startswith("/api/"):
            return web.json_response({"data": []})
        return web.Response(text="<html><body>首页 2020-10-14</body></html>", content_type="text/html")

    app = web.Application()
    app.router.add_get("/{tail:.*}", page)
    http = LoopbackServers()
    # Accepts connections and never says a word: the handshake waits for a ServerHello that never comes.
    silent = socket.socket()
    try:
        s.port = http.serve(app, ssl_context=context)
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        s.silent_port = silent.getsockname()[1]
        yield s
    finally:
        silent.close()
        http.stop()


def _timed(coro):  # noqa: ANN001, ANN202
    started = time.monotonic()
    result = run(coro)
    return result, time.monotonic() - started


async def _with_client(settings: NetSettings, work):  # noqa: ANN001, ANN202
    async with HttpClient(settings, timeout=DEADLINE) as client:
        return await work(client)


def test_self_signed_certificate_on_every_website_path(server: TlsServer) -> None:
    url = f"https://{HOST}/"

    async def work(client: HttpClient):  # noqa: ANN202
        return (await probe(client, url), await check_link(client, url + "page.html"),
                await check_website(client, SiteTarget("1506230001", "示例网站", url), date(2020, 10, 15)))

    (probed, link, site), took = _timed(_with_client(server.connect_to(), work))
    assert probed.outcome == "tls_error" and link.outcome == "tls_error"
    assert site.homepage_outcome == "tls_error" and site.observation["checked"] is False
    assert took < DEADLINE  # refused at the handshake, not waited out
    assert server.requests == []  # not one request went over the untrusted connection


def test_a_handshake_that_never_completes_times_out_in_time(server: TlsServer) -> None:
    result, took = _timed(_with_client(server.connect_to(), lambda c: c.fetch("https://silent.example.gov.cn/")))
    assert result.outcome == "timeout"
    assert DEADLINE - 0.1 <= took < DEADLINE + 1.5


def test_self_signed_certificate_on_a_feed(server: TlsServer) -> None:
    settings = SourceSettings.from_tables({"feeds": {"wechat:gh_tls": f"https://{HOST}/feed.xml"},
                                           "rate_limits": {"wechat": 0}, "retry_backoff": 0.01})
    settings.timeout = DEADLINE
    [result], took = _timed(check_accounts([AccountTarget("wechat", "gh_tls", "订阅源")], date(2020, 10, 15), settings,
                                           net=server.connect_to()))
    fetches = [f for r in result.readings for f in r.fetches]
    assert [f.outcome for f in fetches] == ["tls_error"] and fetches[0].attempts == 1  # not retried
    assert result.freshness == Freshness.UNKNOWN and "TLS 握手失败" in (result.reason or "")
    assert took < DEADLINE and server.requests == []


def test_registry_api_refuses_the_certificate_without_retrying(server: TlsServer,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVINSPECT_ALLOW_NETWORKS", "127.0.0.0/8")
    source = ApiSource(f"https://127.0.0.1:{server.port}/api/v1", "token", resources={"accounts": "accounts"},
                       timeout=DEADLINE, retries=3, backoff=0.5)
    sleeps: list[float] = []
    started = time.monotonic()
    with pytest.raises(RegistryApiError, match="TLS certificate refused .*self[- ]signed"):
        fetch_resource(source, "accounts", sleep=sleeps.append)
    assert time.monotonic() - started < DEADLINE and sleeps == [] and server.requests == []

    # The control: trusting this very certificate, the same server answers.
    trusted = ApiSource(source.base_url, "token", resources={"accounts": "accounts"}, verify=str(server.cert))
    assert fetch_resource(trusted, "accounts").records == []
    assert server.requests == ["/api/v1/accounts?page=1&page_size=100"]
    server.requests.clear()
