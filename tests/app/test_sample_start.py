"""First contact: which sample project the window opens, and the bundled Chinese font."""

from __future__ import annotations

import shutil

from app.gui import jobs
from app.gui.main import register_bundled_font
from gis.progress import NullProgress


def test_the_shipped_sample_comes_before_a_kept_copy(small_project_file, tmp_path, monkeypatch):
    shipped = tmp_path / "shipped.storeplan"
    kept = tmp_path / "kept.storeplan"
    shutil.copy(small_project_file, shipped)
    shutil.copy(small_project_file, kept)
    monkeypatch.setattr(jobs, "shipped_sample", lambda: shipped)
    monkeypatch.setattr(jobs, "sample_cache_path", lambda: kept)
    project, path = jobs.load_sample_job(NullProgress())
    assert path == shipped and project.name == "Small city"

    monkeypatch.setattr(jobs, "shipped_sample", lambda: None)  # not built: the copy a start analysed
    assert jobs.load_sample_job(NullProgress())[1] == kept

    kept.write_bytes(b"damaged")  # a damaged copy is not an error: the sample is rebuilt instead
    assert jobs.load_sample_job(NullProgress()) == (None, None)


def test_the_bundled_cjk_font_is_registered(qapp):
    from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics

    families = register_bundled_font()
    assert "WenQuanYi Micro Hei" in families
    assert "WenQuanYi Micro Hei" in QFontDatabase.families()
    font = QFont("WenQuanYi Micro Hei")
    assert QFontMetrics(font).inFontUcs4(ord("门"))  # the glyph exists: no boxes instead of Chinese
