"""Typed errors of the analysis core, each with a message a user can act on.

The GUI and the command line catch :class:`StorePlanError` and show ``str(error)``; anything
else is a bug and goes to the log with its traceback.
"""

from __future__ import annotations


class StorePlanError(Exception):
    """Base of every error the core raises on purpose."""


class IntakeError(StorePlanError):
    """A file cannot be read or used. The message names the file and what to do."""

    def __init__(self, path, message: str):
        self.path = str(path)
        self.message = message
        super().__init__(f"{self.path}: {message}")

    def __reduce__(self):  # picklable, so errors raised on Dask workers reach the user intact
        return (type(self), (self.path, self.message))


class ColumnMappingError(IntakeError):
    """Required columns are missing or a user mapping names columns that do not exist."""


class CoordinateError(StorePlanError):
    """Unknown coordinate system or coordinates that cannot be converted."""


class GridError(StorePlanError):
    """Invalid H3 cells, resolutions or grid-layer definitions."""


class ConfigError(StorePlanError):
    """A run configuration (TOML) is invalid."""


class ProjectFileError(StorePlanError):
    """A project file cannot be opened or saved."""


class AnalysisError(StorePlanError):
    """An analysis stage cannot run on the data it was given."""


class Cancelled(StorePlanError):
    """The user cancelled a long-running task."""

    def __init__(self, message: str = "cancelled by the user"):
        super().__init__(message)
