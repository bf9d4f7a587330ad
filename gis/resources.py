"""Where the bundled ``resources/`` folder is: beside ``gis/`` in a checkout, inside the bundle when frozen."""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path

from gis.errors import StorePlanError


@lru_cache(maxsize=1)
def resources_dir() -> Path:
    """The ``resources`` folder: ``sys._MEIPASS/resources`` in a PyInstaller bundle, else the repository's."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root is not None:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    """Absolute path of a bundled resource, e.g. ``resource_path("web", "leaflet", "leaflet.js")``.

    Raises :class:`StorePlanError` naming the file when it is missing (a broken installation).
    """
    path = resources_dir().joinpath(*parts)
    if not path.exists():
        raise StorePlanError(
            f"bundled resource {'/'.join(parts)} is missing from {resources_dir()}: "
            "reinstall StorePlan or restore the resources folder"
        )
    return path
