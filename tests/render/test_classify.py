"""Class breaks and colour ramps (pure: no Qt)."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

from gis.errors import ConfigError
from gis.maprender.classify import (
    JENKS_SUMMARY_SIZE, Classes, Classification, assign, category_colors, class_breaks, classify, ramp,
)


def test_quantiles_of_1_to_100_are_the_linear_percentiles():
    # numpy's linear percentile of 1..100 at q is 1 + q * 99
    breaks = class_breaks(np.arange(1, 101), "quantile", 4)
    assert breaks.tolist() == pytest.approx([25.75, 50.5, 75.25, 100.0])
    idx, classes = classify(np.arange(1, 101), Classification("quantile", 4))
    assert classes.counts == (25, 25, 25, 25)
    assert idx[:25].tolist() == [0] * 25 and idx[-25:].tolist() == [3] * 25


def test_equal_interval_splits_the_range_evenly():
    assert class_breaks(np.arange(0, 11), "equal_interval", 5).tolist() == pytest.approx([2, 4, 6, 8, 10])


@pytest.mark.parametrize("method", ["quantile", "equal_interval"])
def test_quantile_and_equal_interval_breaks_are_mapclassifys(method):
    import mapclassify

    make = {"quantile": mapclassify.Quantiles, "equal_interval": mapclassify.EqualInterval}[method]
    rng = np.random.default_rng(11)
    samples = [rng.lognormal(3, 1.2, 5000), rng.integers(0, 6, 400).astype(float), np.arange(1, 1001.0),
               rng.normal(0, 1, 37), np.r_[np.zeros(900), rng.uniform(1, 2, 100)]]
    for y in samples:
        for k in (2, 3, 5, 7, 9):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # mapclassify warns when ties merge classes
                expected = np.asarray(make(y, k=min(k, np.unique(y).size)).bins, dtype=float)
            expected = np.unique(expected[expected < y.max()])
            got = class_breaks(y, method, k)
            assert got[-1] == y.max()
            np.testing.assert_allclose(got[:-1], expected, rtol=1e-12, err_msg=f"{method} k={k}")


def test_natural_breaks_find_the_gaps_between_clusters():
    y = np.array([1, 2, 3, 10, 11, 12, 30, 31, 32], dtype=float)
    assert class_breaks(y, "natural_breaks", 3).tolist() == [3, 12, 32]


def test_natural_breaks_on_large_data_still_land_in_the_gaps():
    rng = np.random.default_rng(3)
    low, mid, high = rng.uniform(0, 10, 3000), rng.uniform(20, 30, 1500), rng.uniform(50, 60, 500)
    y = rng.permutation(np.concatenate([low, mid, high]))
    assert y.size > JENKS_SUMMARY_SIZE  # the summarised path
    breaks = class_breaks(y, "natural_breaks", 3)
    assert breaks.tolist() == [low.max(), mid.max(), high.max()]
    idx = assign(y, breaks)
    assert np.array_equal(idx, np.where(y <= 10, 0, np.where(y <= 30, 1, 2)))


def test_manual_bins_get_the_maximum_appended_and_are_inclusive_upper_bounds():
    y = [5, 10, 15, 20, 25]
    idx, classes = classify(y, Classification("manual", bins=(10, 20)))
    assert classes.breaks == (10.0, 20.0, 25.0)
    assert idx.tolist() == [0, 0, 1, 1, 2]
    assert classes.lower == 5.0
    # bins above the data are kept as they are
    assert class_breaks([1, 2], "manual", bins=(10, 20)).tolist() == [10, 20]


def test_missing_values_get_class_minus_one_and_are_not_counted():
    idx, classes = classify([1.0, np.nan, 3.0, np.inf, 2.0], Classification("equal_interval", 2))
    assert idx.tolist() == [0, -1, 1, -1, 0]
    assert sum(classes.counts) == 3


def test_fewer_distinct_values_than_classes_gives_fewer_classes():
    assert class_breaks([4, 4, 4], "quantile", 5).tolist() == [4]
    breaks = class_breaks([1, 2, 2, 2, 2, 2, 2, 3], "quantile", 5)
    assert np.all(np.diff(breaks) > 0) and breaks[-1] == 3 and len(breaks) < 5
    idx, classes = classify([7, 7], Classification("natural_breaks", 4))
    assert classes.k == 1 and idx.tolist() == [0, 0] and classes.labels() == ["7"]


def test_no_values_gives_no_classes():
    idx, classes = classify([np.nan, np.nan], Classification())
    assert idx.tolist() == [-1, -1] and classes.k == 0 and classes.labels() == []
    assert assign([1.0], []).tolist() == [-1]


def test_labels_show_each_class_range_with_separators():
    classes = Classes(breaks=(1000.0, 25000.0), lower=0.0, colors=("#ffffff", "#000000"))
    assert classes.labels() == ["0 – 1,000", "1,000 – 25,000"]
    small = Classes(breaks=(0.25, 0.5), lower=0.0, colors=("#ffffff", "#000000"))
    assert small.labels() == ["0.00 – 0.25", "0.25 – 0.50"]


def test_ramps_are_hex_colours_light_to_dark_and_reversible():
    five = ramp("YlOrRd", 5)
    assert five[0] == "#ffffb2" and five[-1] == "#bd0026"  # ColorBrewer's published YlOrRd-5
    assert ramp("YlOrRd", 5, reverse=True) == five[::-1]
    for k in (1, 2, 3, 7, 12):
        colors = ramp("viridis", k)
        assert len(colors) == k and all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in colors)
    assert len(set(ramp("Blues", 2))) == 2
    idx, classes = classify(np.arange(10), Classification("quantile", 3, ramp="Greens", reverse=True))
    assert classes.colors == tuple(ramp("Greens", 3))[::-1]


@pytest.mark.parametrize("kwargs", [
    {"method": "jenks"}, {"k": 0}, {"k": 13}, {"method": "manual"}, {"method": "manual", "bins": (3, 2)},
    {"method": "manual", "bins": (1, float("nan"))}, {"ramp": "Rainbow"},
])
def test_invalid_classifications_are_rejected(kwargs):
    with pytest.raises(ConfigError):
        Classification(**kwargs)


def test_classification_round_trips_through_a_dict():
    c = Classification("manual", 3, bins=(1, 5, 9), ramp="Blues", reverse=True)
    assert Classification.from_dict(c.to_dict()) == c
    assert c.to_dict()["bins"] == [1.0, 5.0, 9.0]


def test_category_colours_keep_known_colours_and_give_others_distinct_ones():
    colors = category_colors(["A", "X", "B", "Y"], {"A": "#111111", "B": "#222222"})
    assert colors["A"] == "#111111" and colors["B"] == "#222222"
    assert len({colors["X"], colors["Y"], "#111111", "#222222"}) == 4
