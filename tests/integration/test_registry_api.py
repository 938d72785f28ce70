"""The JSON registry API source against a real HTTP server on loopback: paging, retries with
backoff, timeouts, refused tokens, and records validated and stored like export rows."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from govinspect.registry.api import ApiSource, RegistryApiError, fetch_and_parse, fetch_resource
from govinspect.store import session_scope, table_counts
from govinspect.store.models import Account, QuarantinedRow, Website

TOKEN = "s3cret-token"


@dataclass
class Reply:
    status: int = 200
    body: object = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # before the status line
    drip: float = 0.0  # between body bytes


@dataclass
class Seen:
    path: str
    query: dict[str, str]
    authorization: str | None


class Server:
    """A loopback HTTP server answering each request with what ``script`` returns."""

    def __init__(self, script: Callable[[Seen, int], Reply]) -> None:
        self.script = script
        self.seen: list[Seen] = []
        self.stopping = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                parts = urlsplit(self.path)
                seen = Seen(parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()},
                            self.headers.get("Authorization"))
                outer.seen.append(seen)
                reply = outer.script(seen, len(outer.seen))
                if reply.delay and outer.stopping.wait(reply.delay):
                    return
                body = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body, ensure_ascii=False).encode()
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", reply.headers.pop("Content-Type", "application/json"))
                    self.send_header("Content-Length", str(len(body)))
                    for key, value in reply.headers.items():
                        self.send_header(key, value)
                    self.end_headers()
                    if reply.drip:
                        for byte in body:
                            if outer.stopping.wait(reply.drip):
                                return
                            self.wfile.write(bytes([byte]))
                            self.wfile.flush()
                    else:
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *_args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/api/v1"

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def _account(n: int) -> dict:
    return {"账号名称": f"账号{n}", "平台类型": "抖音", "账号ID": f"9{n:010d}", "主办单位": "旗民政局", "备案时间": "2020-01-02",
            "开设时间": "2020-01-01", "运行状态": "正常"}


RECORDS = [_account(n) for n in range(250)]


def _paged(seen: Seen, _n: int) -> Reply:
    page, size = int(seen.query["page"]), int(seen.query["page_size"])
    return Reply(body={"code": 0, "data": {"total": len(RECORDS), "records": RECORDS[(page - 1) * size: page * size]}})


@pytest.fixture(autouse=True)
def loopback_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test server is on loopback, which the client refuses unless the operator allows it."""
    monkeypatch.setenv("GOVINSPECT_ALLOW_NETWORKS", "127.0.0.0/8")


@pytest.fixture
def sleeps() -> Iterator[list[float]]:
    yield []


def _source(server: Server, **settings: object) -> ApiSource:
    defaults = {"resources": {"accounts": "accounts"}, "page_size": 100, "timeout": 5.0, "retries": 3, "backoff": 0.5}
    return ApiSource(server.base, TOKEN, **{**defaults, **settings})


def test_pages_are_read_until_the_last_short_page(sleeps: list[float]) -> None:
    with Server(_paged) as server:
        fetched = fetch_resource(_source(server), "accounts", sleep=sleeps.append)
    assert len(fetched.records) == 250 and fetched.pages == 3 and fetched.attempts == 3
    assert [s.query for s in server.seen] == [{"page": str(p), "page_size": "100"} for p in (1, 2, 3)]
    assert {s.path for s in server.seen} == {"/api/v1/accounts"}
    assert {s.authorization for s in server.seen} == {f"Bearer {TOKEN}"}
    assert sleeps == []


def test_stated_total_ends_paging_on_a_full_last_page() -> None:
    def exact(seen: Seen, n: int) -> Reply:
        page = int(seen.query["pageNo"])
        return Reply(body={"total": 200, "items": RECORDS[(page - 1) * 100: page * 100]})

    with Server(exact) as server:
        fetched = fetch_resource(_source(server, page_param="pageNo", size_param="pageSize"), "accounts")
    assert len(fetched.records) == 200 and fetched.pages == 2


def test_next_links_are_followed_on_the_same_origin_only() -> None:
    def linked(seen: Seen, n: int) -> Reply:
        cursor = int(seen.query.get("cursor", 0))
        chunk = RECORDS[cursor: cursor + 100]
        nxt = f"/api/v1/accounts?cursor={cursor + 100}" if cursor + 100 < len(RECORDS) else None
        return Reply(body={"data": chunk, "next": nxt})

    with Server(linked) as server:
        fetched = fetch_resource(_source(server), "accounts")
    assert len(fetched.records) == 250 and fetched.pages == 3

    with Server(lambda seen, n: Reply(body={"data": RECORDS[:100], "next": "http://203.0.113.9/steal"})) as server:
        with pytest.raises(RegistryApiError, match="the next-page link leaves the API"):
            fetch_resource(_source(server), "accounts")


def test_a_500_is_retried_with_exponential_backoff_then_succeeds(sleeps: list[float]) -> None:
    def flaky(seen: Seen, n: int) -> Reply:
        if seen.query["page"] == "2" and n in (2, 3, 4):
            return Reply(status=500 if n < 4 else 503, body={"error": "busy"})
        return _paged(seen, n)

    with Server(flaky) as server:
        fetched = fetch_resource(_source(server), "accounts", sleep=sleeps.append)
    assert len(fetched.records) == 250 and fetched.attempts == 6
    assert sleeps == [0.5, 1.0, 2.0]
    assert [s.query["page"] for s in server.seen] == ["1", "2", "2", "2", "2", "3"]


def test_retry_after_is_honoured(sleeps: list[float]) -> None:
    def limited(seen: Seen, n: int) -> Reply:
        return Reply(status=429, headers={"Retry-After": "3"}) if n == 1 else _paged(seen, n)

    with Server(limited) as server:
        fetch_resource(_source(server), "accounts", sleep=sleeps.append)
    assert sleeps == [3.0]


def test_retries_give_up_with_the_last_reason(sleeps: list[float]) -> None:
    with Server(lambda seen, n: Reply(status=502, body=b"bad gateway")) as server:
        with pytest.raises(RegistryApiError, match=r"no usable answer after 4 attempts \(last: HTTP 502\)"):
            fetch_resource(_source(server), "accounts", sleep=sleeps.append)
    assert len(server.seen) == 4 and sleeps == [0.5, 1.0, 2.0]


def test_a_server_that_does_not_answer_times_out_and_is_retried(sleeps: list[float]) -> None:
    def stuck_once(seen: Seen, n: int) -> Reply:
        return Reply(delay=10.0) if n == 1 else _paged(seen, n)

    with Server(stuck_once) as server:
        started = time.monotonic()
        fetched = fetch_resource(_source(server, timeout=0.5), "accounts", sleep=sleeps.append)
        elapsed = time.monotonic() - started
    assert len(fetched.records) == 250 and sleeps == [0.5]
    assert elapsed < 5


def test_a_body_dripping_past_the_deadline_is_cut(sleeps: list[float]) -> None:
    with Server(lambda seen, n: Reply(body={"data": RECORDS[:5]}, drip=0.05)) as server:
        started = time.monotonic()
        with pytest.raises(RegistryApiError, match="timeout"):
            fetch_resource(_source(server, timeout=0.6, retries=1), "accounts", sleep=sleeps.append)
        elapsed = time.monotonic() - started
    assert elapsed < 4  # two attempts of 0.6 s, not the minute the whole body would take


def test_a_refused_token_fails_at_once_without_showing_it(sleeps: list[float]) -> None:
    with Server(lambda seen, n: Reply(status=401, body={"error": "invalid token"})) as server:
        with pytest.raises(RegistryApiError) as caught:
            fetch_resource(_source(server), "accounts", sleep=sleeps.append)
    assert "the token was refused" in str(caught.value) and TOKEN not in str(caught.value)
    assert len(server.seen) == 1 and sleeps == []
    assert TOKEN not in repr(_source(server))


def test_answers_that_are_not_a_registry() -> None:
    with Server(lambda seen, n: Reply(body=b"<html>login</html>", headers={"Content-Type": "text/html"})) as server:
        with pytest.raises(RegistryApiError, match="not JSON"):
            fetch_resource(_source(server), "accounts")
    with Server(lambda seen, n: Reply(body={"code": 0, "msg": "ok"})) as server:
        with pytest.raises(RegistryApiError, match="holds no list of records"):
            fetch_resource(_source(server), "accounts")
    with Server(lambda seen, n: Reply(body={"records": RECORDS[:100]})) as server:
        with pytest.raises(RegistryApiError, match="the server ignores paging"):
            fetch_resource(_source(server), "accounts")
    with Server(lambda seen, n: Reply(status=404, body={})) as server:
        with pytest.raises(RegistryApiError, match="HTTP 404"):
            fetch_resource(_source(server), "accounts")


def test_gbk_json_when_the_server_says_so() -> None:
    body = json.dumps({"data": RECORDS[:2]}, ensure_ascii=False).encode("gbk")
    with Server(lambda seen, n: Reply(body=body, headers={"Content-Type": "application/json; charset=GBK"})) as server:
        fetched = fetch_resource(_source(server), "accounts")
    assert fetched.records[0]["账号名称"] == "账号0"


def test_connection_fields() -> None:
    conn = SimpleNamespace(host="zwfw.nmg.example.cn", schema="https", port=8443, password=TOKEN,
                           extra_dejson={"path": "/registry/v2", "resources": {"websites": "sites"}, "page_size": 500})
    source = ApiSource.from_connection(conn)
    assert source.base_url == "https://zwfw.nmg.example.cn:8443/registry/v2" and source.token == TOKEN
    assert source.resource_url("websites") == "https://zwfw.nmg.example.cn:8443/registry/v2/sites"
    assert source.page_size == 500
    with pytest.raises(ValueError, match="unknown registry API setting"):
        ApiSource.from_connection(SimpleNamespace(host="a.example.cn", schema="", port=None, password=None,
                                                  extra_dejson={"pagesize": 5}))
    with pytest.raises(ValueError, match="unknown registry API resource"):
        ApiSource("https://a.example.cn", resources={"people": "people"})


def test_records_are_validated_like_export_rows_and_stored_in_one_transaction(store_url: str, demo_profile) -> None:
    from govinspect.pipeline import snapshot_registry

    sites = [{"name": "鄂托克前旗人民政府门户网站", "site_code": "1506230001", "url": "www.etkqq.gov.cn",
              "sponsor": "鄂托克前旗人民政府", "kind": "门户网站", "status": "正常运行"},
             {"name": "旗政务服务网", "site_code": "15062300x2", "url": "http://zwfw.etkqq.gov.cn",
              "sponsor": "旗政务服务局", "status": "正常运行"},
             {"name": "旗信息公开平台", "siteCode": "1506230003", "url": "http://xxgk.etkqq.gov.cn",
              "sponsor": {"name": "鄂托克前旗人民政府"}, "status": "正常运行"}]

    def province(seen: Seen, n: int) -> Reply:
        if seen.path.endswith("/sites"):
            return Reply(body={"data": sites if seen.query["page"] == "1" else []})
        return _paged(seen, n)

    with Server(province) as server:
        api = _source(server, resources={"websites": "sites", "accounts": "accounts"}, page_size=3)
        summary = snapshot_registry("2020Q3", demo_profile, store_url, api=api)
    assert summary["imported"]["websites"] == 1
    assert summary["imported"]["accounts"] == 64 + 250
    with session_scope(store_url) as session:
        quarantine = {(q.source_file, q.row, q.column): q.reason for q in session.execute(select(QuarantinedRow)).scalars()}
        api_accounts = session.execute(select(Account).where(Account.source_file.like("http%"))).scalars().all()
        assert [w.site_code for w in session.execute(select(Website)).scalars()] == ["1506230001"]
    sites_url = f"{server.base}/sites"
    assert quarantine[(sites_url, 2, "site_code")].startswith("网站标识码 '15062300x2'")
    assert quarantine[(sites_url, 3, "sponsor")] == "a nested value where a cell is expected"
    assert len(api_accounts) == 250 and api_accounts[0].unit == "旗民政局"


def test_an_unreadable_api_changes_nothing(store_url: str, demo_profile, sleeps: list[float]) -> None:
    from govinspect.pipeline import snapshot_registry

    snapshot_registry("2020Q3", demo_profile, store_url)
    before = table_counts(store_url)
    with Server(lambda seen, n: Reply(status=503)) as server:
        with pytest.raises(RegistryApiError):
            snapshot_registry("2020Q3", demo_profile, store_url, api=_source(server, retries=1, backoff=0))
    assert table_counts(store_url) == before


def test_fetch_and_parse_refuses_an_empty_registry() -> None:
    with Server(lambda seen, n: Reply(body={"data": []})) as server:
        with pytest.raises(RegistryApiError, match="refused rather than emptying"):
            fetch_and_parse(_source(server), date(2020, 10, 15))


def test_command_line_fetch(sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    from govinspect.cli import main

    monkeypatch.setenv("GOVINSPECT_DB_URL", sqlite_url)
    monkeypatch.setenv("PROVINCE_TOKEN", TOKEN)
    monkeypatch.delenv("GOVINSPECT_PROFILE", raising=False)
    with Server(_paged) as server:
        args = ["registry", "fetch", "--base-url", server.base, "--token-env", "PROVINCE_TOKEN",
                "--resource", "accounts=accounts", "--quarter", "2020Q3"]
        assert main([*args, "--dry-run"]) == 0
        assert "imported: accounts 250" in capsys.readouterr().out
        assert main(args) == 0
        assert f"{server.base}/accounts: 政务新媒体, 250 imported" in capsys.readouterr().out
    assert {s.authorization for s in server.seen} == {f"Bearer {TOKEN}"}
    assert table_counts(sqlite_url)["accounts"] == 250
    with Server(lambda seen, n: Reply(status=403)) as server:
        assert main(["registry", "fetch", "--base-url", server.base, "--token-env", "PROVINCE_TOKEN",
                     "--resource", "accounts=accounts", "--quarter", "2020Q3"]) == 1
    err = capsys.readouterr().err
    assert "HTTP 403: the token was refused" in err and "nothing was imported" in err and TOKEN not in err
    assert table_counts(sqlite_url)["accounts"] == 250
