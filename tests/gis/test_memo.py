"""The kept results of slow computations: by key, as copies, the oldest dropped first."""

from __future__ import annotations

import pandas as pd

from gis.memo import Memo


def test_results_come_back_by_key_as_copies():
    memo = Memo(size=2)
    frame = pd.DataFrame({"a": [1, 2]})
    memo.put("k", frame)
    frame.loc[0, "a"] = 99                       # the caller's later edit does not reach the memo
    got = memo.get("k")
    assert got["a"].tolist() == [1, 2]
    got.loc[1, "a"] = 99                         # nor does an edit of what it handed out
    assert memo.get("k")["a"].tolist() == [1, 2]
    assert memo.get("other") is None


def test_the_oldest_result_goes_first_and_none_keys_are_not_kept():
    memo = Memo(size=2)
    memo.put("a", 1)
    memo.put("b", 2)
    memo.put("a", 3)                             # refreshed: now the newest
    memo.put("c", 4)
    assert (memo.get("a"), memo.get("b"), memo.get("c")) == (3, None, 4)
    memo.put(None, 5)
    assert memo.get(None) is None
    memo.clear()
    assert memo.get("c") is None
