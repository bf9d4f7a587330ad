"""Inspector dock: everything known about the selected outlet, cell, district, site or rep."""

from __future__ import annotations

import html

import pandas as pd
from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

from app.gui import labels
from app.gui.frame_model import format_value
from app.gui.selection import cell_int, district_keys
from app.gui.state import AppState

_OUTLET_FIRST = ["name", "channel", "covered", "district", "sales"]
_SCORE_FIRST = ["score", "tier", "rank_in_district", "potential", "potential_low", "potential_high", "gap"]


def _rows(frame: pd.DataFrame | None, column: str, keys) -> pd.DataFrame:
    if frame is None or column not in frame.columns:
        return pd.DataFrame()
    return frame[frame[column].astype("string").isin([str(k) for k in keys])]


class InspectorPanel(QWidget):
    def __init__(self, state: AppState, parent=None):
        super().__init__(parent)
        self.state = state
        self.browser = QTextBrowser(self)
        self.browser.setOpenLinks(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.browser)
        state.events.subscribe("selection", lambda *a: self.refresh())
        state.events.subscribe("results", lambda names: self.refresh())
        state.events.subscribe("project", self.refresh)
        self.refresh()

    # html pieces --------------------------------------------------------------------------
    def _field_table(self, row: pd.Series, first=(), skip=()) -> str:
        names = [c for c in first if c in row.index] + [c for c in row.index if c not in first and c not in skip]
        cells = []
        for name in names:
            if name == "geometry":
                continue
            value = row[name]
            if name == "channel" and isinstance(value, str):
                text = labels.channel(value)
            else:
                text = format_value(value)
            if text == "":
                continue
            cells.append(f"<tr><td style='color:#555;padding-right:10px'>{html.escape(labels.column(name))}</td>"
                         f"<td>{html.escape(text)}</td></tr>")
        return "<table cellspacing=0 cellpadding=1>" + "".join(cells) + "</table>"

    def _section(self, title: str, body: str) -> str:
        return f"<h4 style='margin:8px 0 2px 0'>{html.escape(title)}</h4>{body}"

    def _outlet_html(self, ident: str) -> str:
        p = self.state.project
        parts = []
        base = _rows(p.inputs.get("outlets"), "outlet_id", [ident])
        title = ident
        if not base.empty:
            row = base.iloc[0]
            name = row.get("name")
            title = f"{name} ({ident})" if isinstance(name, str) and name else ident
            parts.append(self._field_table(row, _OUTLET_FIRST, skip=("outlet_id",)))
        scores = _rows(p.results.get("outlet_scores"), "outlet_id", [ident])
        if not scores.empty:
            row = scores.iloc[0]
            explain = [c for c in row.index if "explan" in c or c.startswith("why")]
            parts.append(self._section(self.tr("Score and potential"),
                                       self._field_table(row, _SCORE_FIRST,
                                                         skip=("outlet_id", "name", "district", "channel", "covered",
                                                               "lat", "lon", "sales", *explain))))
            for col in explain:
                text = row[col]
                if isinstance(text, str) and text:
                    parts.append(self._section(self.tr("Why this score"),
                                               "<p>" + html.escape(text).replace("\n", "<br>") + "</p>"))
        strategy = _rows(p.results.get("outlet_strategy"), "outlet_id", [ident])
        if not strategy.empty:
            parts.append(self._section(self.tr("Strategy"),
                                       self._field_table(strategy.iloc[0], skip=("outlet_id",))))
        visits = _rows(p.results.get("routes"), "outlet_id", [ident])
        if not visits.empty:
            cols = [c for c in ("rep_id", "day", "seq", "arrival", "departure") if c in visits.columns]
            rows = "".join("<tr>" + "".join(f"<td>{html.escape(format_value(v))}</td>" for v in r) + "</tr>"
                           for r in visits[cols].itertuples(index=False))
            head = "".join(f"<th align=left>{html.escape(labels.column(c))}</th>" for c in cols)
            parts.append(self._section(self.tr("Visits (%1)").replace("%1", str(len(visits))),
                                       f"<table cellpadding=2><tr>{head}</tr>{rows}</table>"))
        if len(parts) == 0:
            parts.append("<p>" + html.escape(self.tr("No data about this outlet.")) + "</p>")
        return f"<h3>{html.escape(labels.kinds()['outlet'])}: {html.escape(title)}</h3>" + "".join(parts)

    def _generic_html(self, kind: str, ident: str) -> str:
        p = self.state.project
        parts = []
        if kind == "cell":
            if p.grid is not None:
                try:
                    row = p.grid.loc[cell_int(ident)]
                    parts.append(self._field_table(row))
                except (KeyError, ValueError, TypeError):
                    parts.append("<p>" + html.escape(self.tr("This cell has no data.")) + "</p>")
        elif kind == "district":
            keys = district_keys(p, ident)
            for name, col in (("districts", "district_id"), ("district_ranking", "district")):
                rows = _rows(p.table(name), col, keys)
                if rows.empty and name == "district_ranking":
                    rows = _rows(p.table(name), "district_id", keys)
                if not rows.empty:
                    parts.append(self._section(labels.table(name), self._field_table(rows.iloc[0])))
        elif kind == "site":
            rows = _rows(p.results.get("sites"), "site_id", [ident])
            if not rows.empty:
                parts.append(self._field_table(rows.iloc[0], skip=("site_id",)))
        elif kind == "rep":
            rows = _rows(p.inputs.get("reps"), "rep_id", [ident])
            if not rows.empty:
                parts.append(self._field_table(rows.iloc[0], skip=("rep_id",)))
            summary = _rows(p.results.get("rep_summary"), "rep_id", [ident])
            if not summary.empty:
                numeric = summary.select_dtypes("number").sum(numeric_only=True)
                numeric = numeric.drop(labels=[c for c in ("day", "seq") if c in numeric.index])
                parts.append(self._section(self.tr("Totals over the plan"), self._field_table(numeric)))
        if not parts:
            parts.append("<p>" + html.escape(self.tr("No data about this item.")) + "</p>")
        head = labels.kinds().get(kind, kind)
        return f"<h3>{html.escape(head)}: {html.escape(ident)}</h3>" + "".join(parts)

    def refresh(self) -> None:
        kind, ident = self.state.selection
        if self.state.project is None or not kind:
            self.browser.setHtml("<p style='color:#666'>" + html.escape(
                self.tr("Click an outlet, hexagon, district or site on the map, or a row in a table, "
                        "to see its details here.")) + "</p>")
            return
        if kind == "stop":  # stops are visits to outlets: "<rep>|<day>|<seq>|<outlet>" or an outlet id
            ident = ident.split("|")[-1]
            kind = "outlet"
        body = self._outlet_html(ident) if kind == "outlet" else self._generic_html(kind, ident)
        self.browser.setHtml(body)
