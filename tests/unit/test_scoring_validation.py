"""A malformed observations document is refused with the JSON path of the problem."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from test_scoring_support import clean_account, clean_site, document

from govinspect.scoring import ObservationsError, score_observations


def base() -> dict[str, Any]:
    sites = [clean_site(id=f"150623000{i}") for i in range(5)]
    accounts = [clean_account(id=f"gh_{i}") for i in range(3)]
    return document(sites, accounts)


def setter(*path: Any, value: Any) -> Callable[[dict[str, Any]], None]:
    def apply(doc: dict[str, Any]) -> None:
        target = doc
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return apply


def deleter(*path: Any) -> Callable[[dict[str, Any]], None]:
    def apply(doc: dict[str, Any]) -> None:
        target = doc
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return apply


CASES = [
    (
        setter("websites", 3, "probes", "failed", value="x"),
        'websites[3].probes.failed: expected a number, got "x"',
    ),
    (
        setter("websites", 0, "probes", "failed", value=200),
        "websites[0].probes.failed: 200 failed probes out of 168",
    ),
    (
        setter("websites", 1, "probes", "total", value=-1),
        "websites[1].probes.total: expected a number ≥ 0, got -1",
    ),
    (
        setter("websites", 1, "probes", "total", value=True),
        "websites[1].probes.total: expected a number, got true",
    ),
    (deleter("websites", 2, "probes", "total"), "websites[2].probes.total: missing"),
    (deleter("check_point"), "check_point: missing"),
    (setter("check_point", value="2020-13-01"), 'check_point: not a calendar date: "2020-13-01"'),
    (setter("check_point", value="15/10/2020"), "check_point: expected a date (YYYY-MM-DD)"),
    (setter("check_point", value=None), "check_point: must be a date, not null"),
    (setter("websites", value={"a": 1}), "websites: expected a list"),
    (setter("websites", 2, value="site"), 'websites[2]: expected an object, got "site"'),
    (
        setter("websites", 4, "kind", value="blog"),
        'websites[4].kind: expected one of portal, department, got "blog"',
    ),
    (deleter("websites", 4, "kind"), "websites[4].kind: missing"),
    (deleter("websites", 0, "id"), "websites[0].id: missing"),
    (
        setter("websites", 0, "has_services", value="no"),
        'websites[0].has_services: expected true or false, got "no"',
    ),
    (
        setter("websites", 1, "homepage_latest", value="yesterday"),
        "websites[1].homepage_latest: expected a date",
    ),
    (
        setter("websites", 2, "columns", 1, "type", value="news"),
        "websites[2].columns[1].type: expected one of dynamic",
    ),
    (
        setter("websites", 2, "columns", 3, "latest", value=20201012),
        "websites[2].columns[3].latest: expected a date",
    ),
    (
        setter("websites", 2, "columns", 0, "items", value=1.5),
        "websites[2].columns[0].items: expected a whole number, got 1.5",
    ),
    (
        setter("websites", 2, "columns", 0, "level", value=0),
        "websites[2].columns[0].level: a column level starts at 1",
    ),
    (
        setter("websites", 3, "dead_links", "homepage", value="3"),
        'websites[3].dead_links.homepage: expected a number, got "3"',
    ),
    (
        setter("websites", 3, "interaction", "has_channel", value="yes"),
        "websites[3].interaction.has_channel: expected true or false",
    ),
    (
        setter("websites", 3, "interaction", "oldest_unanswered_days", value=-4),
        "websites[3].interaction.oldest_unanswered_days",
    ),
    (
        setter("websites", 3, "services", "guide_missing_counts", value=[1, "a"]),
        "websites[3].services.guide_missing_counts[1]",
    ),
    (
        setter("websites", 4, "manual", "bonus", value=-5),
        "websites[4].manual.bonus: expected a number ≥ 0, got -5",
    ),
    (
        setter("websites", 4, "manual", "bonus", value=float("nan")),
        "websites[4].manual.bonus: expected a finite number",
    ),
    (
        setter("websites", 4, "manual", "serious_error", value="true"),
        "websites[4].manual.serious_error: expected true or false",
    ),
    (
        setter("websites", 4, "manual", "deductions", value=[{"indicator": "发布解读"}]),
        "websites[4].manual.deductions[0].points: missing",
    ),
    (
        setter("websites", 4, "manual", "deductions", value=[{"indicator": "互动", "points": 1}]),
        'websites[4].manual.deductions[0].indicator: unknown indicator "互动"',
    ),
    (
        setter("websites", 1, "manual", "vetoes", value=["NM2"]),
        'websites[1].manual.vetoes[0]: unknown veto "NM2"',
    ),
    (
        setter("websites", 1, "manual", "interpretation_unlinked", value=1),
        "websites[1].manual.interpretation_unlinked: expected true or false",
    ),
    (
        setter("websites", 1, "services", "statistics_latest", value=5),
        "websites[1].services.statistics_latest: expected a date",
    ),
    (setter("websites", 1, "dead_links", value=[1, 2]), "websites[1].dead_links: expected an object"),
    (
        setter("websites", 3, "id", value="1506230000"),
        'websites[3].id: duplicate website id "1506230000" (also websites[0])',
    ),
    (
        setter("accounts", 2, "last_post", value=5),
        "accounts[2].last_post: expected a date (YYYY-MM-DD) or null, got 5",
    ),
    (
        setter("accounts", 1, "registered", value="是"),
        'accounts[1].registered: expected true or false, got "是"',
    ),
    (
        setter("accounts", 1, "manual", "vetoes", value=["V2"]),
        'accounts[1].manual.vetoes[0]: unknown veto "V2"',
    ),
    (
        setter("accounts", 2, "id", value="gh_0"),
        'accounts[2].id: duplicate account "gh_0" on "wechat" (also accounts[0])',
    ),
    (
        setter("accounts", 0, "manual", "deductions", value=[{"indicator": "x", "points": 1}]),
        "accounts[0].manual.deductions[0].indicator",
    ),
    (setter("indicator_set", value="guangdong-2030"), "indicator_set: unknown rubric 'guangdong-2030'"),
    (setter("indicator_set", value="../../etc/national-2019"), "indicator_set: expected a rubric name"),
    (setter("quarter", value="2020Q5"), "quarter: not a quarter"),
]


@pytest.mark.parametrize(("mutate", "message"), CASES)
def test_malformed_document_names_the_path(mutate: Callable[[dict[str, Any]], None], message: str) -> None:
    doc = base()
    mutate(doc)
    with pytest.raises(ObservationsError) as caught:
        score_observations(doc)
    assert str(caught.value).startswith(message), str(caught.value)
    assert str(caught.value).startswith(caught.value.path + ": ")


def test_document_must_be_an_object() -> None:
    with pytest.raises(ObservationsError, match=r"^\$: expected an object"):
        score_observations([])  # type: ignore[arg-type]


def test_the_untouched_base_document_is_valid() -> None:
    doc = base()
    before = copy.deepcopy(doc)
    score_observations(doc)
    assert doc == before


def test_lenient_forms_are_accepted() -> None:
    doc = base()
    doc["websites"][0]["homepage_latest"] = "2020-10-12T09:30:00+08:00"
    doc["websites"][0]["probes"] = {"total": 168.0, "failed": 2.0}
    doc["websites"][0]["id"] = 1506230009
    doc["websites"][1]["columns"][0]["level"] = None
    doc["accounts"][0]["interaction"] = None
    doc["accounts"][1]["manual"] = None
    result = score_observations(doc)
    assert result["websites"][0]["id"] == "1506230009"
    assert result["websites"][0]["verdict"] == "pass"
