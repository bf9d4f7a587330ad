"""The analysis stages in the order they run, each a thin adapter from a project to a core module.

A stage reads its inputs and earlier results from the project, its parameters from
``project.params[name]`` (plain dicts, as stored in the project file and the TOML sections), and
stores its result tables in ``project.results``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from gis import progress as prog
from gis.project import Project


@dataclass(frozen=True)
class Stage:
    name: str
    run: Callable[[Project, prog.Progress], None]
    produces: tuple[str, ...]
    needs: tuple[str, ...] = ()  # tables without which the stage is skipped, with a note


STAGES: list[Stage] = []
