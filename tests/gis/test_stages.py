"""Which stages a parameter change makes stale: the readers of a stage's results, nothing else."""

from __future__ import annotations

import pandas as pd

from gis.pipeline import invalidate
from gis.project import Project
from gis.stages import STAGES, dependents


def test_a_stage_makes_its_readers_stale_and_no_one_else():
    assert dependents("scoring") == ["scoring", "insight", "expansion", "strategy", "routing"]
    assert dependents("siting") == ["siting"]        # sites depend on the grid and outlets only
    assert dependents("strategy") == ["strategy", "routing"]  # visit frequencies come from the strategy
    assert dependents("routing") == ["routing"]


def test_every_table_a_stage_reads_is_produced_earlier_or_an_input():
    produced: set[str] = set()
    inputs = {"outlets", "reps", "districts", "grid", "matrix", "sales_lines", "candidates"}
    for stage in STAGES:
        for table in (*stage.needs, *stage.uses):
            assert table in inputs or table in produced, (stage.name, table)
        produced |= set(stage.produces)


def test_invalidate_drops_only_the_stale_results():
    project = Project(name="t")
    for stage in STAGES:
        for table in stage.produces:
            project.results[table] = pd.DataFrame({"x": [1]})
    invalidate(project, "scoring")
    assert set(project.results) == {"sites", "trade_areas", "cannibalization"}
