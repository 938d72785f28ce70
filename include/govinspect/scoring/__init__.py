"""Scoring (评分): the national rubric and local presets as data, one engine, unit and annual rollups."""

from govinspect.scoring.engine import quarter_for_check_point, score_observations
from govinspect.scoring.observations import ObservationsError
from govinspect.scoring.rubric import Rubric, RubricError, load_rubric, rubric_names
from govinspect.scoring.units import annual_score, annual_unit_scores, unit_scores

__all__ = [
    "ObservationsError",
    "Rubric",
    "RubricError",
    "annual_score",
    "annual_unit_scores",
    "load_rubric",
    "quarter_for_check_point",
    "rubric_names",
    "score_observations",
    "unit_scores",
]
