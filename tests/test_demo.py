"""`storeplan demo` end to end on the sample city: every stage's output with its contract columns."""

from __future__ import annotations

import pandas as pd
import pytest

from gis.project import load_project

pytestmark = pytest.mark.slow

CONTRACT = {
    "district_ranking.csv": ["district", "rank", "priority_score"],
    "outlet_scores.csv": ["outlet_id", "district", "channel", "covered", "score", "potential", "gap",
                          "rank_in_district", "tier"],
    "expansion_list.csv": ["district", "rank", "outlet_id", "expected_sales", "cannibalized_sales", "net_sales"],
    "sites.csv": ["site_id", "lat", "lon", "expected_sales", "cannibalized_sales", "net_sales", "chosen"],
    "outlet_strategy.csv": ["outlet_id", "tier", "segment", "price_band", "promotion", "visits_per_month",
                            "recommended_products"],
}


def _read(outdir, name) -> pd.DataFrame:
    return pd.read_csv(outdir / name, encoding="utf-8-sig", dtype={"outlet_id": str, "site_id": str})


@pytest.mark.parametrize("name, columns", CONTRACT.items())
def test_outputs_start_with_the_contract_columns(demo_outputs, name, columns):
    df = _read(demo_outputs, name)
    assert list(df.columns[: len(columns)]) == columns
    assert len(df) > 0


def test_rankings_are_consistent(demo_outputs):
    ranking = _read(demo_outputs, "district_ranking.csv")
    assert len(ranking) == 16  # the real Shanghai districts
    assert list(ranking["rank"]) == list(range(1, 17))
    assert ranking["priority_score"].is_monotonic_decreasing

    scores = _read(demo_outputs, "outlet_scores.csv")
    assert len(scores) == 5000 and scores["outlet_id"].is_unique
    assert set(scores["tier"]) <= {"A", "B", "C", "D"}
    for _, group in scores.groupby("district"):
        assert sorted(group["rank_in_district"]) == list(range(1, len(group) + 1))
        best = group.loc[group["rank_in_district"].idxmin()]
        assert best["score"] == group["score"].max()
    covered = scores[scores["covered"]]
    assert (covered["gap"] - (covered["potential"] - covered["sales"])).abs().max() < 1e-6

    expansion = _read(demo_outputs, "expansion_list.csv")
    assert set(expansion["outlet_id"]) <= set(scores.loc[~scores["covered"], "outlet_id"])
    net = expansion["expected_sales"] - expansion["cannibalized_sales"]
    assert (net - expansion["net_sales"]).abs().max() < 1e-6


def test_sites_within_the_city_and_chosen_count(demo_outputs):
    sites = _read(demo_outputs, "sites.csv")
    assert sites["chosen"].sum() == 10  # the default number of new sites
    assert sites["lat"].between(30.6, 31.9).all() and sites["lon"].between(120.8, 122.2).all()


def test_saved_project_reproduces_the_outputs(demo_outputs):
    project = load_project(demo_outputs / "sample.storeplan")
    scores = _read(demo_outputs, "outlet_scores.csv")
    stored = project.results["outlet_scores"]
    assert list(stored["outlet_id"]) == list(scores["outlet_id"])
    assert (stored["score"].to_numpy() - scores["score"].to_numpy()).__abs__().max() < 1e-9
    assert project.params["scoring"]  # the parameters that produced them are stored


def test_field_plan_outputs(demo_outputs):
    routes = _read(demo_outputs, "routes.csv")
    assert list(routes.columns[:9]) == ["rep_id", "day", "seq", "outlet_id", "arrival", "start", "departure",
                                        "travel_s", "travel_m"]
    assert routes["rep_id"].nunique() == 12
    assert routes["day"].between(1, 20).all()
    for _, day in routes.groupby(["rep_id", "day"]):
        assert list(day["seq"]) == list(range(1, len(day) + 1))
        assert (day["start"] >= day["arrival"]).all() and (day["departure"] > day["start"]).all()
    # opening hours hold for every visit: start ≥ open and departure ≤ close
    outlets = load_project(demo_outputs / "sample.storeplan").inputs["outlets"].set_index("outlet_id")

    def minutes(hms):
        h, m, s = (int(x) for x in hms.split(":"))
        return h * 60 + m + s / 60

    opens = outlets.loc[routes["outlet_id"], "open_time"].to_numpy()
    closes = outlets.loc[routes["outlet_id"], "close_time"].to_numpy()
    assert (routes["start"].map(minutes).to_numpy() >= opens - 1e-9).all()
    assert (routes["departure"].map(minutes).to_numpy() <= closes + 1e-9).all()
    scores = _read(demo_outputs, "outlet_scores.csv")
    assert set(routes["outlet_id"]) <= set(scores.loc[scores["covered"], "outlet_id"])
    summary = _read(demo_outputs, "rep_summary.csv")
    assert {"rep_id", "day", "visits", "travel_s", "distance_m", "working_s"} <= set(summary.columns)
    assert summary["visits"].sum() == len(routes)
    unscheduled = _read(demo_outputs, "unscheduled.csv")
    assert list(unscheduled.columns[:3]) == ["outlet_id", "visits_missing", "reason"]
    assert unscheduled["reason"].str.len().min() > 10  # every missing visit says why
    for ext in ("xlsx", "ics", "gpx", "kml"):
        assert (demo_outputs / "route_sheets" / f"YW001.{ext}").stat().st_size > 0


def test_executive_exports_are_written(demo_outputs):
    import pyogrio

    sizes = {name: (demo_outputs / name).stat().st_size
             for name in ("map.png", "map.pdf", "report.pdf", "strategy.xlsx", "storeplan.gpkg")}
    assert all(size > 10_000 for size in sizes.values()), sizes
    layers = {name for name, _ in pyogrio.list_layers(demo_outputs / "storeplan.gpkg")}
    assert {"districts", "outlets", "sites", "routes"} <= layers
    assert not list(demo_outputs.glob(".*part*"))  # no temporary file left behind


def test_interactive_map_is_one_offline_file(demo_outputs):
    import re

    page = (demo_outputs / "map.html").read_text(encoding="utf-8")
    assert len(page.encode("utf-8")) < 10_000_000  # the whole sample city under 10 MB
    # every script and stylesheet is inlined: nothing is fetched from a server
    assert not re.search(r"<script[^>]+src=", page)
    assert not re.search(r"<link[^>]+href=[\"']https?:", page)
    for layer in ("districts", "hexagons", "outlets", "expansion", "sites", "routes"):
        assert f'"id": "{layer}"' in page or f'"id":"{layer}"' in page, layer
