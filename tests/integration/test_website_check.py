"""The website check over real HTTP against the demo farm, compared with what the farm was designed to show."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from govinspect.checks.website import CrawlBudget, SiteTarget, check_website
from govinspect.config import NetSettings, parse_connect_to, parse_networks
from govinspect.demo import designed
from govinspect.demo.farm import start_farm
from govinspect.net import HttpClient

TODAY = date(2020, 10, 15)


@pytest.fixture(scope="module")
def portal_check():
    farm = start_farm(TODAY)
    settings = NetSettings(allow_networks=parse_networks("127.0.0.0/8"), connect_to=parse_connect_to(farm.connect_to()))

    async def go():
        async with HttpClient(settings, timeout=3.0, per_host_rate=None) as client:
            return await check_website(client, SiteTarget("1506230001", "门户网站", "http://www.etkqq.gov.cn/"), TODAY)

    try:
        yield asyncio.run(go()), designed.outcomes(TODAY)
    finally:
        farm.stop()


def test_dead_links_match_the_design(portal_check):
    check, expected = portal_check
    found = {(d["url"], d["outcome"], d["on_homepage"]) for d in check.dead_links}
    wanted = {(d.target, d.outcome, d.on_homepage) for d in expected["dead_links"]}
    assert found == wanted
    assert check.observation["dead_links"] == expected["website"]["dead_links"]


def test_columns_match_the_design(portal_check):
    check, expected = portal_check
    columns = {c["url"]: c for c in check.observation["columns"]}
    for url, want in expected["columns"].items():
        if want.get("state") not in ("fresh", "stale", "blank"):
            continue
        assert url in columns, f"column {want['name']} ({url}) not found"
        got = columns[url]
        if want["state"] == "blank":
            assert got["items"] == 0, want["name"]
        else:
            assert got["latest"] == want["latest"].isoformat(), want["name"]
            assert got["type"] == want["type"], want["name"]


def test_homepage_and_interaction(portal_check):
    check, expected = portal_check
    assert check.observation["homepage_latest"] == expected["website"]["homepage_latest"].isoformat()
    assert check.observation["interaction"]["has_channel"] is True
    assert check.observation["interaction"]["oldest_unanswered_days"] == expected["website"]["interaction"]["oldest_unanswered_days"]


def test_budget_is_respected():
    farm = start_farm(TODAY)
    settings = NetSettings(allow_networks=parse_networks("127.0.0.0/8"), connect_to=parse_connect_to(farm.connect_to()))

    async def go():
        async with HttpClient(settings, timeout=2.0, per_host_rate=None) as client:
            return await check_website(client, SiteTarget("1506230001", "门户网站", "http://www.etkqq.gov.cn/"), TODAY,
                                       CrawlBudget(max_pages=10, max_depth=1))

    try:
        check = asyncio.run(go())
    finally:
        farm.stop()
    assert check.observation["pages_fetched"] <= 10


def test_unreachable_site_is_a_finding_not_an_error():
    async def go():
        async with HttpClient(NetSettings(), timeout=2.0) as client:
            return await check_website(client, SiteTarget("1506230099", "内网网站", "http://10.255.255.1/"), TODAY)

    check = asyncio.run(go())
    assert check.homepage_outcome == "blocked_private_address"
    assert check.observation["checked"] is False
