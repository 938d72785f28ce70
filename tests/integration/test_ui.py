"""The Inspection view in a real api-server: anonymous requests are refused on every route, an
Airflow user sees the demo quarter, and headless Chromium shows it inside the Airflow UI (the
screenshots are kept under the session's temporary folder; the path is printed)."""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from test_scheduler_stack import QUARTER, airflow_stack, green_run

pytestmark = [pytest.mark.airflow, pytest.mark.postgres]
PATHS = ["/govinspect/", "/govinspect/quarters/2020Q3", "/govinspect/api/quarters",
         f"/govinspect/api/quarters/{QUARTER}", f"/govinspect/quarters/{QUARTER}/files/x.pdf",
         "/govinspect/icon.svg", "/govinspect/no/such/page", "/govinspect/docs", "/govinspect/openapi.json"]


@pytest.fixture(scope="module")
def stack(request):
    return airflow_stack(request.config)


@pytest.fixture(scope="module")
def green(stack):
    return green_run(stack)


@pytest.mark.parametrize("path", PATHS)
def test_anonymous_request_gets_401(stack, path):
    r = httpx.get(f"{stack.base_url}{path}", timeout=30, follow_redirects=False)
    assert r.status_code == 401, (path, r.status_code, r.text[:200])
    assert r.headers.get("www-authenticate") == "Bearer"


def test_bad_tokens_get_401(stack):
    token = stack.token()
    head, payload, signature = token.split(".")
    forged = f"{head}.{payload}.{signature[::-1]}"
    for value in ("not-a-jwt", forged):
        for how in ({"headers": {"Authorization": f"Bearer {value}"}}, {"cookies": {"_token": value}}):
            r = httpx.get(f"{stack.base_url}/govinspect/api/quarters", timeout=30, **how)
            assert r.status_code == 401, (value[:20], how.keys(), r.text)


def test_a_viewer_reads_the_quarter(stack, green):
    auth = {"Authorization": f"Bearer {stack.token('viewer')}"}
    quarters = httpx.get(f"{stack.base_url}/govinspect/api/quarters", headers=auth, timeout=30).json()
    assert [q["quarter"] for q in quarters] == [QUARTER]
    r = httpx.get(f"{stack.base_url}/govinspect/api/quarters/{QUARTER}", headers=auth, timeout=30)
    assert r.status_code == 200, r.text
    report = r.json()
    verdicts = [json.loads(row) for row in green["rows"]["verdicts"]]
    account_verdicts = [v for v in verdicts if "account" in v]
    failed = sum(1 for v in account_verdicts if "fail" in v)
    unknown = sum(1 for v in account_verdicts if "unknown" in v)
    summary = report["summary"]
    assert summary["websites"]["total"] == 1 and summary["accounts"]["total"] == 64
    assert summary["accounts"]["failed"] == failed == len(report["failing_accounts"]) > 0
    assert summary["accounts"]["unknown"] == unknown == len(report["manual_accounts"]) > 0
    assert all(a["reasons"] for a in report["failing_accounts"])
    assert sum(1 for f in report["findings"] if f["kind"] == "unregistered") == 21
    assert report["units"] and any(u["annual_score"] is not None for u in report["units"])
    kinds = {f["kind"] for f in report["files"]}
    assert kinds == {"pdf", "xlsx"}


def test_notice_downloads(stack, green):
    auth = {"Authorization": f"Bearer {stack.token('viewer')}"}
    report = httpx.get(f"{stack.base_url}/govinspect/api/quarters/{QUARTER}", headers=auth, timeout=30).json()
    pdf = next(f for f in report["files"] if f["kind"] == "pdf")
    r = httpx.get(f"{stack.base_url}/govinspect/quarters/{QUARTER}/files/{pdf['name']}", headers=auth, timeout=30)
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf" and r.content.startswith(b"%PDF")
    assert len(r.content) == pdf["size"]
    outside = httpx.get(f"{stack.base_url}/govinspect/quarters/{QUARTER}/files/..%2F..%2Fpasswords.json",
                        headers=auth, timeout=30)
    assert outside.status_code == 404


def test_the_plugin_adds_the_view_to_the_nav(stack):
    plugins = stack.api("GET", "/api/v2/plugins").json()["plugins"]
    mine = next(p for p in plugins if p["name"] == "govinspect")
    assert mine["fastapi_apps"][0]["url_prefix"] == "/govinspect"
    view = mine["external_views"][0]
    assert (view["name"], view["destination"], view["url_route"], view["href"]) == (
        "Inspection", "nav", "govinspect", "govinspect/")


# -- headless Chromium ------------------------------------------------------------------------------


def launch_chromium(binary: str, profile: Path) -> tuple[subprocess.Popen, str]:
    """Headless Chromium with its DevTools endpoint on a free port; the process and the endpoint's URL."""
    proc = subprocess.Popen(
        [binary, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-dev-shm-usage", "--no-first-run", "--remote-debugging-port=0", f"--user-data-dir={profile}",
         "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        match = re.search(r"DevTools listening on (ws://\S+)", line)
        if match:
            return proc, match.group(1)
        if not line and proc.poll() is not None:
            break
    stop_process(proc)
    raise RuntimeError("chromium did not start its DevTools endpoint")


def stop_process(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


class Browser:
    """Just enough of the Chrome DevTools Protocol: a page, a cookie, navigation, JS, screenshots."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.next_id = 0
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Network"):
            self.call(f"{domain}.enable", session=True)
        self.call("Emulation.setDeviceMetricsOverride", session=True, width=1440, height=1000,
                  deviceScaleFactor=1, mobile=False)

    def call(self, method: str, session: bool = False, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        self.ws.send(json.dumps(message))
        while True:  # events arrive in between; the reply carries our id
            reply = json.loads(self.ws.recv(timeout=60))
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", session=True, expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    def wait_for(self, expression: str, timeout: float = 60) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.5)
        raise TimeoutError(f"not true after {timeout} s: {expression}")

    def screenshot(self, path: Path, full_page: bool = False) -> Path:
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            height = self.evaluate("Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)")
            params.update(captureBeyondViewport=True, clip={"x": 0, "y": 0, "width": 1440,
                                                           "height": min(int(height or 1000), 6000), "scale": 1})
        path.write_bytes(base64.b64decode(self.call("Page.captureScreenshot", session=True, **params)["data"]))
        return path


@pytest.fixture(scope="module")
def browser():
    from websockets.sync.client import connect

    binary = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is required in CI (scripts/system-deps.sh installs it)")
        pytest.skip("no chromium on this machine")
    profile = Path(tempfile.mkdtemp(prefix="govinspect-chromium-"))
    proc, url = launch_chromium(binary, profile)
    try:
        with connect(url, max_size=64 * 1024 * 1024, open_timeout=30) as ws:
            yield Browser(ws)
    finally:
        stop_process(proc)
        shutil.rmtree(profile, ignore_errors=True)


FRAME_TEXT = "document.querySelector('iframe') && document.querySelector('iframe').contentDocument " \
             "&& document.querySelector('iframe').contentDocument.body && " \
             "document.querySelector('iframe').contentDocument.body.innerText"


def test_chromium_shows_the_quarter_inside_the_airflow_ui(stack, green, browser, tmp_path_factory):
    shots = tmp_path_factory.mktemp("ui-screenshots")
    browser.call("Network.setCookie", session=True, name="_token", value=stack.token(), url=stack.base_url,
                 httpOnly=True, path="/")

    browser.call("Page.navigate", session=True, url=f"{stack.base_url}/plugin/govinspect")
    index = browser.wait_for(f"({FRAME_TEXT} || '').includes('{QUARTER}') && {FRAME_TEXT}")
    assert "2020年第三季度" in index and "新媒体合格率" in index
    nav = browser.wait_for("document.body.innerText.includes('Inspection') && document.body.innerText")
    assert "Dags" in nav or "DAGs" in nav
    browser.screenshot(shots / "airflow-inspection-index.png")

    browser.evaluate("document.querySelector('iframe').contentDocument"
                     f".querySelector('a[href=\"quarters/{QUARTER}\"]').click()")
    page = browser.wait_for(f"({FRAME_TEXT} || '').includes('检查结果') && {FRAME_TEXT}")
    for heading in ("2020年第三季度检查结果", "不合格网站", "不合格政务新媒体", "需人工核查的账号", "备案核对发现",
                    "单位得分（2020年度考核）", ".pdf"):
        assert heading in page, heading
    shot = browser.screenshot(shots / "airflow-inspection-2020Q3.png")

    browser.call("Page.navigate", session=True, url=f"{stack.base_url}/govinspect/quarters/{QUARTER}")
    browser.wait_for("document.body && document.body.innerText.includes('单位得分')")
    full = browser.screenshot(shots / "inspection-2020Q3-full.png", full_page=True)
    print(f"\nscreenshots: {shot} {full}")
    assert shot.stat().st_size > 20_000 and full.stat().st_size > 50_000
