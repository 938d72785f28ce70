"""V2 stands only once a confirming re-probe series ran with the monitor's own network healthy."""

from __future__ import annotations

import pytest
from test_scoring_support import clean_site, document

from govinspect.scoring import score_observations


@pytest.mark.parametrize(
    ("confirmed", "vetoed", "finding"),
    [
        (True, True, None),
        (False, False, "复测时监测网络本身异常"),
        (None, False, "尚未进行复测确认"),
        ("absent", True, None),
    ],
)
def test_confirmation_decides_the_veto(confirmed, vetoed, finding):
    probes = {"total": 140, "failed": 7}
    if confirmed != "absent":
        probes["confirmed"] = confirmed
    result = score_observations(document(websites=[clean_site(probes=probes)]))
    site = result["websites"][0]
    assert ("V2" in site["vetoes"]) is vetoed
    texts = " ".join(f["evidence"] for f in site.get("findings", []))
    if finding:
        assert finding in texts
        assert site["verdict"] == "pass"


def test_below_the_ratio_needs_no_confirmation():
    probes = {"total": 140, "failed": 6, "confirmed": None}
    site = score_observations(document(websites=[clean_site(probes=probes)]))["websites"][0]
    assert site["vetoes"] == []
    assert "复测" not in " ".join(f["evidence"] for f in site.get("findings", []))
