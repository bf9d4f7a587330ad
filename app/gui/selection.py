"""Which table rows stand for which selectable things (outlet, cell, district, site)."""

from __future__ import annotations

import pandas as pd

# table -> (selection kind, id column)
TABLE_KINDS: dict[str, tuple[str, str]] = {
    "outlets": ("outlet", "outlet_id"),
    "outlet_scores": ("outlet", "outlet_id"),
    "expansion_list": ("outlet", "outlet_id"),
    "outlet_strategy": ("outlet", "outlet_id"),
    "routes": ("outlet", "outlet_id"),
    "unscheduled": ("outlet", "outlet_id"),
    "districts": ("district", "district_id"),
    "district_ranking": ("district", "district"),
    "sites": ("site", "site_id"),
    "candidates": ("site", "outlet_id"),
    "reps": ("rep", "rep_id"),
    "rep_summary": ("rep", "rep_id"),
}


def cell_text(cell) -> str:
    """An H3 cell as the text the map uses (hex string)."""
    import h3

    if isinstance(cell, str):
        return cell
    return h3.int_to_str(int(cell))


def cell_int(text) -> int:
    import h3

    if isinstance(text, (int,)) or (hasattr(text, "dtype") and not isinstance(text, str)):
        return int(text)
    text = str(text)
    return int(text) if text.isdigit() else int(h3.str_to_int(text))


def row_ids(table: str, frame: pd.DataFrame) -> tuple[str, pd.Series] | None:
    """(kind, ids as text) for a table whose rows can be selected, else None."""
    if table == "grid":
        return "cell", pd.Series([cell_text(c) for c in frame.index], index=frame.index)
    kind_col = TABLE_KINDS.get(table)
    if kind_col is None or kind_col[1] not in frame.columns:
        return None
    return kind_col[0], frame[kind_col[1]].astype("string")


def district_keys(project, ident: str) -> set[str]:
    """A district id and its name: tables name districts either way."""
    keys = {ident}
    districts = project.inputs.get("districts") if project else None
    if districts is not None and {"district_id", "name"} <= set(districts.columns):
        ids = districts["district_id"].astype(str)
        names = districts["name"].astype(str)
        keys |= set(names[ids == ident]) | set(ids[names == ident])
    return keys
