import itertools

import numpy as np
import pytest

from gis.errors import AnalysisError, Cancelled
from gis.progress import CallbackProgress
from gis.siting import huff, selection

from .conftest import PLANE, latlon, random_instance


def _brute_force(market, cands, k, spacing=0.0):
    best = -1.0
    for combo in itertools.combinations(range(cands.n), k):
        pts = cands.xy[list(combo)]
        if spacing and any(np.hypot(*(pts[a] - pts[b])) <= spacing for a, b in itertools.combinations(range(k), 2)):
            continue
        best = max(best, selection.objective(market, cands, combo))
    return best


def test_objective_is_net_new_own_sales(line_market):
    cands = huff.build_candidates(line_market, *latlon([(500, 0), (900, 0)]), 1.0)
    plan = huff.network_sales(line_market, cands, [0, 1])
    own_before = plan.store_before[line_market.own].sum()
    own_after = plan.store_after[line_market.own].sum() + plan.site_sales.sum()
    assert selection.objective(line_market, cands, [0, 1]) == pytest.approx(own_after - own_before)


def test_greedy_gains_sum_to_objective_and_decrease():
    market, cands = random_instance(7, n_cand=60)
    sel = selection.greedy(market, cands, 6)
    assert len(sel.chosen) == 6 == len(set(sel.chosen))
    assert sel.total == pytest.approx(selection.objective(market, cands, sel.chosen))
    assert all(a >= b - 1e-9 for a, b in zip(sel.gains, sel.gains[1:]))   # submodular
    # the first pick is the best candidate alone
    alone = huff.candidate_effects(market, cands).net_sales
    assert sel.chosen[0] == int(np.argmax(alone))
    assert sel.gains[0] == pytest.approx(alone.max())
    # lazy evaluation recomputes far fewer gains than plain greedy (60 per round)
    assert sel.evaluations < 60 + 5 * 60


def test_exhaustive_is_the_brute_force_optimum():
    market, cands = random_instance(3, n_cand=12)
    for k in (1, 2, 3):
        exact = selection.exhaustive(market, cands, k)
        assert exact.total == pytest.approx(_brute_force(market, cands, k))
        assert exact.total == pytest.approx(selection.objective(market, cands, exact.chosen))


def test_greedy_equals_exhaustive_on_tiny_instance(line_market):
    # two candidates far apart on the line: the best pair is both, in any order
    cands = huff.build_candidates(line_market, *latlon([(500, 0), (650, 0), (3000, 0)]), 1.0)
    g = selection.greedy(line_market, cands, 1)
    e = selection.exhaustive(line_market, cands, 1)
    assert g.chosen == e.chosen
    assert g.total == pytest.approx(e.total)
    g2 = selection.greedy(line_market, cands, 2)
    e2 = selection.exhaustive(line_market, cands, 2)
    assert g2.total == pytest.approx(e2.total)
    assert set(g2.chosen) == set(e2.chosen)


@pytest.mark.parametrize("k", [2, 3])
def test_greedy_within_stated_bound_of_exact(k):
    """Greedy alone ≥ 90 %, greedy + swaps ≥ 95 % of the exact optimum (see gis.siting.selection)."""
    plain, improved = [], []
    for seed in range(25):
        market, cands = random_instance(1000 + seed)
        exact = selection.exhaustive(market, cands, k).total
        plain.append(selection.greedy(market, cands, k).total / exact)
        improved.append(selection.select_sites(market, cands, n_sites=k).total / exact)
    plain, improved = np.array(plain), np.array(improved)
    assert plain.min() >= 0.90
    assert improved.min() >= 0.95
    assert np.all(improved >= plain - 1e-12)
    assert np.all(improved <= 1 + 1e-9)
    assert improved.mean() >= 0.99


def test_spacing_rule_is_honoured_by_both_methods():
    market, cands = random_instance(11, n_cand=20)
    spacing = 1500.0
    for sel in (selection.greedy(market, cands, 3, spacing_m=spacing),
                selection.select_sites(market, cands, n_sites=3, spacing_m=spacing),
                selection.exhaustive(market, cands, 3, spacing_m=spacing)):
        pts = cands.xy[list(sel.chosen)]
        for a, b in itertools.combinations(range(len(pts)), 2):
            assert np.hypot(*(pts[a] - pts[b])) > spacing
    exact = selection.exhaustive(market, cands, 3, spacing_m=spacing)
    assert exact.total == pytest.approx(_brute_force(market, cands, 3, spacing))


def test_target_mode_fewest_sites():
    market, cands = random_instance(5, n_cand=15)
    best2 = selection.exhaustive(market, cands, 2).total
    best1 = selection.exhaustive(market, cands, 1).total
    target = (best1 + best2) / 2          # needs two sites, and two suffice
    exact = selection.exhaustive(market, cands, target=target)
    assert len(exact.chosen) == 2 and exact.reached_target
    greedy = selection.greedy(market, cands, target=target)
    assert greedy.reached_target
    assert len(greedy.chosen) >= 2
    assert greedy.total >= target
    # without the last pick it would not have reached the target
    assert greedy.total - greedy.gains[-1] < target


def test_target_not_reachable_is_noted():
    market, cands = random_instance(5, n_cand=5)
    sel = selection.greedy(market, cands, target=1e12, max_sites=3)
    assert len(sel.chosen) == 3 and sel.reached_target is False
    assert any("not reached" in n for n in sel.notes)


def test_stops_when_nothing_adds_sales():
    lat, lon = latlon([(0, 0)])
    m = huff.build_market(lat, lon, [10.0], lat, lon, [1.0], [True], beta=-2.0, cutoff_m=1000.0,
                          distance_floor_m=100.0, plane=PLANE)
    # the only cell is served by an own store only: a new own site adds nothing
    cands = huff.build_candidates(m, *latlon([(50, 0), (5000, 0)]), 1.0)
    sel = selection.greedy(m, cands, 2)
    assert sel.chosen == () and sel.notes


def test_exact_refuses_huge_enumerations():
    market, cands = random_instance(1, n_cand=60)
    with pytest.raises(AnalysisError, match="greedy"):
        selection.exhaustive(market, cands, 5, max_combinations=1000)


def test_cancel_stops_selection():
    market, cands = random_instance(2, n_cand=40)
    handle = CallbackProgress()
    handle.cancel()
    with pytest.raises(Cancelled):
        selection.greedy(market, cands, 5, progress=handle)
