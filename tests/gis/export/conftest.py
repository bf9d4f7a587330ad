"""Exports of the synthetic project, written once per test session."""

from __future__ import annotations

import pytest

from gis.export.exports import export_all
from gis.export.options import ExportOptions
from tests.gis.export import synthetic


@pytest.fixture(scope="session")
def exported(tmp_path_factory):
    """Every export of the synthetic project in Chinese, A4 landscape, 300 dpi: name -> path."""
    outdir = tmp_path_factory.mktemp("exports")
    paths = export_all(synthetic.project(), outdir, options=ExportOptions(date=synthetic.DATE))
    return {p.name: p for p in paths}
