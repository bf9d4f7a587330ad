"""The executive pack: embedded CJK font, searchable text, figures, sections, one district alone."""

from __future__ import annotations

from gis.export.exports import export_report
from gis.export.options import ExportOptions
from gis.export.report import figures
from gis.export import frames
from tests.gis.export import pdftools, synthetic

pytestmark = pdftools.needs_poppler


def test_every_font_is_embedded(exported):
    fonts = pdftools.fonts(exported["report.pdf"])
    assert fonts, "no fonts at all"
    assert all(f["emb"] == "yes" for f in fonts), fonts
    assert all("WenQuanYi" in f["name"] for f in fonts)


def test_sections_and_chinese_text_are_searchable(exported):
    text = pdftools.text(exported["report.pdf"])
    for words in ("测试城市", "管理层报告", "核心指标", "要点", "片区排名", "重点售点", "拓展名单", "选定点位",
                  "业务员覆盖", "铺货策略", "方法与数据来源", "输入数据"):
        assert words in text, words
    # outlet names, rep names, and user text that looks like markup, shown as written
    for words in ("联华超市(东一店)", "大润发(东区店)", "张伟", "李娜", "<b>全家</b>"):
        assert words in text, words


def test_headline_figures_are_the_projects(exported):
    f = figures(synthetic.project())
    assert (f.outlets, f.covered) == (12, 6)
    assert f.sales == 740_000.0  # 120k + 40k + 300k + 150k + 50k + 80k of the covered outlets
    assert f.sites_n == 2 and f.sites_net == 315_000.0  # marginal net sales of the two chosen sites
    assert (f.reps, f.visits, f.days, f.unscheduled) == (2, 6, 2, 2)
    assert f.travel_h == (600 + 900 + 1200 + 900 + 600 + 1200) / 3600
    page2 = pdftools.text(exported["report.pdf"], 2, 2)
    for words in ("12", "50.0%", "74.0 万", "31.5 万"):
        assert words in page2, words


def test_ranking_table_is_in_rank_order(exported):
    text = pdftools.text(exported["report.pdf"], 3, 3)
    east = text.index("东区")
    west = text.index("西区")
    assert east < west  # 东区 ranks first


def test_pages_render_with_content(exported, tmp_path):
    pdf = exported["report.pdf"]
    n = pdftools.pages(pdf)
    assert n >= 6  # cover, figures, ranking, two districts, methods
    assert pdftools.ink(pdftools.page_image(pdf, 1, tmp_path)) > 0.3  # navy panel and the city map
    assert pdftools.ink(pdftools.page_image(pdf, 3, tmp_path)) > 0.1  # ranking map and table
    assert "方法与数据来源" in pdftools.text(pdf, n, n)
    assert "页" not in pdftools.text(pdf, 1, 1)  # no header or footer on the cover
    assert f"第2页/共{n}页" in pdftools.text(pdf, 2, 2).replace(" ", "")


def test_one_district_alone(tmp_path):
    project = synthetic.project()
    options = ExportOptions(district="东区", date=synthetic.DATE)
    pdf = export_report(project, tmp_path / "east.pdf", options)
    text = pdftools.text(pdf)
    assert "片区报告 · 东区" in text
    assert "联华超市(东一店)" in text
    assert "联华超市(西一店)" not in text  # the other district's outlets are left out
    f = figures(project, frames.resolve_district(project, "东区"))
    assert (f.outlets, f.covered, f.sales) == (6, 3, 280_000.0)


def test_missing_results_are_named_and_english_works(tmp_path):
    pdf = export_report(synthetic.project(results=False), tmp_path / "bare.pdf",
                        ExportOptions(language="en", dpi=72, date=synthetic.DATE))
    text = pdftools.text(pdf)
    for words in ("Executive report", "Headline figures", "Not included", "outlet scores", "store siting",
                  "routes", "Methods and data sources"):
        assert words in text, words
    assert all(f["emb"] == "yes" for f in pdftools.fonts(pdf))
