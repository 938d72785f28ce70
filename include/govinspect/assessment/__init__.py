"""The annual assessment (年度考核): unit scores per quarter and per year in SQL that gives the
same figures on SQLite and PostgreSQL as :mod:`govinspect.scoring.units`, their changes, and the
inspectors' manual inputs that feed the scoring."""

from __future__ import annotations

from govinspect.assessment.manual import (
    ManualInputError,
    add_manual_input,
    list_manual_inputs,
    load_manual_sheets,
    remove_manual_input,
)
from govinspect.assessment.rollup import rollup, rollup_params, sql, stored_unit_scores, unit_changes

__all__ = [
    "ManualInputError",
    "add_manual_input",
    "list_manual_inputs",
    "load_manual_sheets",
    "remove_manual_input",
    "rollup",
    "rollup_params",
    "sql",
    "stored_unit_scores",
    "unit_changes",
]
