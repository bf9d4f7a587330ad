"""Package namespaces that load their parts on first use.

A package's ``__init__`` lists which submodule holds each public name; importing the package (or a
small part of it, such as its parameter dataclasses) then costs nothing until a name is used. The
desktop app builds its panels from the parameter classes and would otherwise import SciPy, PyVRP
and scikit-learn before its window shows.

    __getattr__, __dir__, __all__ = lazy_exports(__name__, {"run_siting": "pipeline", ...})
"""

from __future__ import annotations

import importlib
import sys
from typing import Callable


def lazy_exports(package: str, where: dict[str, str]) -> tuple[Callable, Callable, list[str]]:
    """``__getattr__``, ``__dir__`` and ``__all__`` for ``package``: ``where`` maps each public name
    to the submodule (relative to the package) that defines it."""

    def __getattr__(name: str):
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{where[name]}"), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(where))

    return __getattr__, __dir__, sorted(where)
