"""Print maps: page size and resolution, the interactive map's colours, text and fonts in the PDF."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from matplotlib.colors import to_rgb
from PIL import Image

from gis.errors import ConfigError
from gis.export import printmap
from gis.export.exports import export_map_pdf, export_map_png
from gis.export.options import ExportOptions
from gis.maprender.classify import TIER_COLORS, ramp
from gis.project import Project
from tests.gis.export import pdftools, synthetic

pytestmark = pdftools.needs_poppler


def _rgb255(color: str) -> np.ndarray:
    return np.round(np.array(to_rgb(color)) * 255).astype(int)


def _mask(pixels: np.ndarray, color: str, tol: int = 2) -> np.ndarray:
    return (np.abs(pixels[:, :, :3].astype(int) - _rgb255(color)) <= tol).all(axis=2)


def test_nice_length_picks_1_2_5_steps():
    assert printmap.nice_length(7.3) == 5
    assert printmap.nice_length(19.0) == 10
    assert printmap.nice_length(0.35) == pytest.approx(0.2)
    assert printmap.nice_length(1.0) == 1


def test_png_is_a4_landscape_at_300_dpi(exported):
    image = Image.open(exported["map.png"])
    assert image.size == (3508, 2480)
    assert image.info["dpi"] == pytest.approx((300, 300), abs=0.01)


def test_png_shows_every_grid_class_with_the_interactive_maps_ramp(exported):
    pixels = np.asarray(Image.open(exported["map.png"]).convert("RGB"))
    # quantile YlOrRd in 5 classes, as the map view; fills are drawn opaque as they show on the background
    colours = [printmap._blend(c, printmap.HEX_OPACITY, printmap.MAP_BACKGROUND) for c in ramp("YlOrRd", 5)]
    masks = [_mask(pixels, c) for c in colours]
    counts = [int(m.sum()) for m in masks]
    assert all(n > 5000 for n in counts), counts
    # residents grow eastwards: the lightest class lies west of the darkest one
    x_light = np.nonzero(masks[0])[1].mean()
    x_dark = np.nonzero(masks[-1])[1].mean()
    assert x_light < x_dark - 1000


def test_png_shows_tiers_and_chosen_sites(exported):
    pixels = np.asarray(Image.open(exported["map.png"]).convert("RGB"))
    assert _mask(pixels, TIER_COLORS["A"]).sum() > 50  # covered tier-A outlets are filled dots
    assert _mask(pixels, printmap.SITE_COLOR).sum() > 200  # two chosen sites drawn as stars


def test_pdf_has_searchable_chinese_text_in_an_embedded_font(exported):
    pdf = exported["map.pdf"]
    text = pdftools.text(pdf)
    for word in ("测试城市", "西区", "东区", "图例", "居住人口", "编制日期 2026-03-02", "2 公里"):
        assert word in text, word
    fonts = pdftools.fonts(pdf)
    assert fonts and all(f["emb"] == "yes" for f in fonts)
    assert any("WenQuanYi" in f["name"] for f in fonts)
    assert pdftools.pages(pdf) == 1


def test_district_map_and_other_paper(tmp_path):
    project = synthetic.project()
    options = ExportOptions(paper="A3", orientation="portrait", dpi=72, district="D2", date=synthetic.DATE)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. "Glyph … missing from font": Chinese must not turn into boxes
        png = export_map_png(project, tmp_path / "map.png", options)
        pdf = export_map_pdf(project, tmp_path / "map.pdf", options)
    assert Image.open(png).size == (842, 1191)  # 297 × 420 mm at 72 dpi
    text = pdftools.text(pdf)
    assert "测试城市 · 东区" in text
    assert "西区" not in text  # the view is the eastern square: the western one's label is off the map


def test_english_labels(tmp_path):
    pdf = export_map_pdf(synthetic.project(), tmp_path / "map.pdf",
                         ExportOptions(language="en", dpi=72, date=synthetic.DATE))
    text = pdftools.text(pdf)
    for word in ("Legend", "Residents", "Outlet tier", "Chosen site (2)", "Prepared 2026-03-02"):
        assert word in text, word


def test_maps_without_results_or_data(tmp_path):
    bare = export_map_pdf(synthetic.project(results=False), tmp_path / "bare.pdf", ExportOptions(dpi=72))
    text = pdftools.text(bare)
    assert "西区" in text and "售点等级" not in text and "渠道" in text  # outlets by channel before scoring
    empty = export_map_png(Project(), tmp_path / "empty.png", ExportOptions(dpi=72))
    assert Image.open(empty).size == (842, 595)
    empty_pdf = export_map_pdf(Project(), tmp_path / "empty.pdf", ExportOptions(dpi=72))
    assert "无数据" in pdftools.text(empty_pdf)


def test_unknown_district_names_the_known_ones(tmp_path):
    with pytest.raises(ConfigError, match="西区"):
        export_map_png(synthetic.project(), tmp_path / "map.png", ExportOptions(district="北区", dpi=72))
    assert not (tmp_path / "map.png").exists()
