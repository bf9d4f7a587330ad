"""A project's interactive map: the layers it shows, in the user's language, with the display choices."""

from __future__ import annotations

from gis.maprender.project_map import MapOptions, build_spec, default_hex_metric, district_frame
from tests.gis.export import synthetic


def _layers(spec) -> dict:
    return {layer.id: layer for layer in spec.layers}


def test_every_result_becomes_a_layer_named_in_the_language():
    project = synthetic.project()
    zh, en = build_spec(project, language="zh_CN"), build_spec(project, language="en")
    assert list(_layers(zh)) == ["districts", "hexagons", "outlets", "expansion", "sites", "routes"]
    assert _layers(zh)["outlets"].title == "售点" and _layers(en)["outlets"].title == "Outlets"
    assert _layers(zh)["hexagons"].title == "居住人口"  # the grid metric by its header
    assert zh.language == "zh" and en.language == "en" and zh.title == project.name


def test_display_choices_reach_the_layers():
    project = synthetic.project()
    options = MapOptions(hex_metric="consumption_index", outlet_color="channel", method="equal_interval", classes=4)
    options.layers["routes"].visible = False
    layers = _layers(build_spec(project, options))
    assert layers["hexagons"].column == "consumption_index"
    assert layers["hexagons"].classification.method == "equal_interval" and layers["hexagons"].classification.k == 4
    assert layers["outlets"].color_by == "channel"
    assert layers["routes"].visible is False


def test_candidates_hidden_and_expansion_cut_to_the_top_per_district_by_default():
    project = synthetic.project()
    expansion = project.results["expansion_list"]
    layers = _layers(build_spec(project))
    assert layers["sites"].show_candidates is False
    assert len(layers["expansion"].outlets) == len(expansion)  # fewer than 20 per district: all shown
    top1 = _layers(build_spec(project, MapOptions(expansion_top=1, candidates=True)))
    assert top1["sites"].show_candidates is True
    assert len(top1["expansion"].outlets) == expansion["district"].nunique()
    assert (top1["expansion"].outlets["rank"] == 1).all()


def test_district_polygons_carry_the_ranking():
    project = synthetic.project()
    frame = district_frame(project)
    assert dict(zip(frame["name"], frame["priority_score"])) == {"西区": 41.0, "东区": 72.5}
    assert default_hex_metric(project) == "residents"
