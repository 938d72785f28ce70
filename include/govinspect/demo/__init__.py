"""The bundled demo county (鄂托克前旗, 2020 Q3): invented input files and a loopback farm.

``DATA_DIR`` holds the registry exports, the sweep, the unit directory, the manual evidence
and ``demo.toml`` (everything else a run needs: the county, the quarter, the check point,
the notice's issuer and date, and the farm's hostnames).
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

DATA_DIR: Path = Path(__file__).resolve().parent / "data"


def load_demo_config() -> dict[str, Any]:
    """``demo.toml`` as a dict; TOML dates (check_point, sweep_date, notice_date) come back as ``date``."""
    with (DATA_DIR / "demo.toml").open("rb") as handle:
        return tomllib.load(handle)
