"""Map engine benchmark: HTML size and draw time of big H3 layers in a QtWebEngine view.

    python bench/bench_map.py [--cells 200000] [--baseline-cells 10000] [--folium-full] [--out DIR]

Prints, for a synthetic layer of ``--cells`` H3 cells around Shanghai (resolution 9):
- export time and size of the self-contained ``map.html`` (target ≤ 10 MB);
- time from ``load()`` to the page's ``storeplan.drawn`` flag in an offscreen QWebEngineView
  (target ≤ 2 s), with the script's own split (grid preparation, first draw), and a redraw after
  zooming in;
- the same for ``--baseline-cells`` cells drawn both ways, folium ``GeoJson`` polygons with a
  ``style_function`` versus our canvas layer, as a ratio measured in this run;
- with ``--folium-full``, folium GeoJson at 100,000 cells too, abandoned after 60 s (it took
  102–121 s with 52 MB of HTML when measured on a 2-core machine);
- export time and size of the sample city's map when ``sample_data/`` holds the generated files.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

CENTRE = (31.2304, 121.4737)


def synthetic_grid(n_cells: int) -> pd.DataFrame:
    """A disk of about ``n_cells`` resolution-9 cells with a smooth, peaked metric."""
    from h3.api import basic_int as h3

    from gis import hexgrid

    k = int(np.ceil((-3 + np.sqrt(9 + 12 * (n_cells - 1))) / 6))
    cells = np.sort(np.array(h3.grid_disk(h3.latlng_to_cell(*CENTRE, 9), k), dtype=np.int64))[:n_cells]
    lat, lon = hexgrid.cells_to_latlon(cells)
    rng = np.random.default_rng(0)
    d = np.hypot((lat - CENTRE[0]) * 111, (lon - CENTRE[1]) * 95)
    value = 5000 * np.exp(-d / 12) + 800 * np.sin(lat * 90) ** 2 + rng.uniform(0, 200, len(cells))
    grid = pd.DataFrame({"residents": value}, index=pd.Index(cells, name="cell"))
    grid.attrs.update(resolution=9, intensive=[])
    return grid


class Browser:
    """One offscreen QWebEngineView; loads a file and waits for a JavaScript condition."""

    def __init__(self, width: int = 1280, height: int = 860):
        import PySide6.QtWebEngineWidgets  # noqa: F401
        from PySide6.QtCore import QCoreApplication, Qt

        QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
        from PySide6.QtWebEngineCore import QWebEnginePage
        from PySide6.QtWebEngineWidgets import QWebEngineView
        from PySide6.QtWidgets import QApplication

        self.errors: list[str] = []

        class Page(QWebEnginePage):
            def javaScriptConsoleMessage(page, level, message, line, source):  # noqa: N805
                if level == QWebEnginePage.JavaScriptConsoleMessageLevel.ErrorMessageLevel:
                    self.errors.append(f"{message} ({source}:{line})")

        self.app = QApplication.instance() or QApplication([])
        self.view = QWebEngineView()
        self.page = Page(self.view)
        self.view.setPage(self.page)
        self.view.resize(width, height)
        self.view.show()

    def _wait(self, ms: int) -> None:
        from PySide6.QtCore import QEventLoop, QTimer

        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def evaluate(self, script: str, timeout: float = 30.0):
        """Value of a JavaScript expression (through JSON: Qt returns arrays and objects as '')."""
        import json

        box = {}
        self.page.runJavaScript(f"JSON.stringify({script})", 0, lambda value: box.__setitem__("v", value))
        deadline = time.perf_counter() + timeout
        while "v" not in box and time.perf_counter() < deadline:
            self._wait(5)
        value = box.get("v")
        return None if value in (None, "", "undefined") else json.loads(value)

    def load_until(self, path: Path, condition: str, timeout: float) -> float | None:
        """Seconds from ``load()`` to ``condition`` being true, None after ``timeout``."""
        from PySide6.QtCore import QUrl

        self.page.setHtml("<html></html>")
        self._wait(200)
        t0 = time.perf_counter()
        self.view.load(QUrl.fromLocalFile(str(path)))
        while time.perf_counter() - t0 < timeout:
            box = {}
            self.page.runJavaScript(f"!!({condition})", 0, lambda value, box=box: box.__setitem__("v", value))
            while "v" not in box and time.perf_counter() - t0 < timeout:
                self._wait(10)
            if box.get("v"):
                return time.perf_counter() - t0
        return None


DRAWN = "window.storeplan && window.storeplan.drawn"


def our_page(grid: pd.DataFrame, path: Path) -> tuple[float, int]:
    from gis.maprender import Classification, HexLayer, MapSpec, export_map_html

    spec = MapSpec(title=f"{len(grid):,} H3 cells", layers=(
        HexLayer(grid, "residents", title="residents", classification=Classification("quantile", 7)),))
    t0 = time.perf_counter()
    export_map_html(spec, path)
    return time.perf_counter() - t0, path.stat().st_size


def folium_page(grid: pd.DataFrame, path: Path) -> tuple[float, int]:
    import folium
    import geopandas as gpd

    from gis import hexgrid
    from gis.maprender.classify import Classification, classify

    t0 = time.perf_counter()
    idx, classes = classify(grid["residents"].to_numpy(), Classification("quantile", 7))
    gdf = gpd.GeoDataFrame({"c": idx.astype(int)}, geometry=hexgrid.cells_to_polygons(grid.index.to_numpy()),
                           crs="EPSG:4326")
    colors = list(classes.colors)
    m = folium.Map(location=CENTRE, zoom_start=10, tiles=None)
    from gis.maprender.html import offline_folium_assets

    m.default_js, m.default_css = offline_folium_assets()
    folium.GeoJson(gdf, style_function=lambda f: {"fillColor": colors[f["properties"]["c"]], "weight": 0,
                                                  "fillOpacity": 0.75}).add_to(m)
    m.fit_bounds(m.get_bounds())
    m.get_root().script.add_child(folium.Element("window.foliumDone = true;"))
    m.save(str(path))
    return time.perf_counter() - t0, path.stat().st_size


def sample_city_spec():
    """The sample city's full map (H3 metrics, districts, outlets) when its files exist, else None."""
    from gis import datasets

    try:
        datasets.get_path("grid_population")
    except (FileNotFoundError, ValueError):
        return None
    from gis.maprender import Classification, DistrictLayer, HexLayer, MapSpec, OutletLayer
    from gis.pipeline import sample_project

    project = sample_project(run=False)
    grid, outlets, districts = project.grid, project.inputs["outlets"], project.inputs["districts"]
    metrics = [("residents", "居住人口", "YlOrRd"), ("workers", "工作人口", "PuBu"),
               ("visitors", "到访人口", "BuGn"), ("consumption_index", "消费指数", "Purples"),
               ("poi_competitor", "竞品门店", "Reds")]
    layers = [HexLayer(grid, col, title=title, visible=(i == 0),
                       classification=Classification("natural_breaks", 6, ramp=ramp))
              for i, (col, title, ramp) in enumerate(metrics) if col in grid.columns]
    per_district = outlets.groupby("district")["covered"].mean().rename("coverage")
    districts = districts.merge(per_district, left_on="name", right_index=True, how="left")
    layers.append(DistrictLayer(districts, column="coverage", title="铺货率", visible=False,
                                classification=Classification("quantile", 5, ramp="Blues")))
    layers.append(DistrictLayer(districts, title="区县"))
    layers.append(OutletLayer(outlets, color_by="channel", title="售点（渠道）"))
    return MapSpec(title=f"{project.name}", subtitle="居住人口与售点分布", layers=tuple(layers),
                   source_note="StorePlan 示例数据（合成）", date=time.strftime("%Y-%m-%d"))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cells", type=int, default=200_000)
    ap.add_argument("--baseline-cells", type=int, default=10_000)
    ap.add_argument("--folium-full", action="store_true", help="also try folium GeoJson at 100,000 cells (≤ 60 s)")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="bench-map-"))
    out.mkdir(parents=True, exist_ok=True)
    browser = Browser()

    def ours(n: int, label: str) -> float | None:
        grid = synthetic_grid(n)
        path = out / f"ours_{n}.html"
        t_export, size = our_page(grid, path)
        t_draw = browser.load_until(path, DRAWN, 60)
        stats = browser.evaluate("window.storeplan.stats") if t_draw else None
        print(f"{label}: {len(grid):,} cells  map.html {size / 1e6:.2f} MB  export {t_export:.2f} s  "
              f"load→drawn {t_draw if t_draw is None else round(t_draw, 2)} s  in-page {stats}")
        return t_draw

    print(f"output folder: {out}")
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (times grow with it)")
    ours(1000, "warm-up")
    t_big = ours(args.cells, "canvas + h3-js")
    if t_big is not None:
        redraws = []
        for zoom_step in (1, 2, 3):
            browser.evaluate(f"(storeplan.map.setZoom(storeplan.map.getZoom() + {zoom_step}, {{animate: false}}), 1)")
            browser._wait(100)
            redraws.append(browser.evaluate("(function(){var e=storeplan.layers['hex:residents'].layer;"
                                            "return [Math.round(e.lastDrawMs), e.shown];})()"))
            browser.evaluate(f"(storeplan.map.setZoom(storeplan.map.getZoom() - {zoom_step}, {{animate: false}}), 1)")
        print(f"  redraw after zooming in 1/2/3 levels [ms, cells drawn]: {redraws}")
        print(f"  target ≤ 2 s and ≤ 10 MB: {'met' if t_big <= 2 else 'NOT met'} (draw)")

    n = args.baseline_cells
    t_ours = ours(n, "baseline size, canvas + h3-js")
    grid = synthetic_grid(n)
    path = out / f"folium_{n}.html"
    t_export, size = folium_page(grid, path)
    t_folium = browser.load_until(path, "window.foliumDone && document.readyState === 'complete'", 120)
    print(f"folium GeoJson: {n:,} cells  html {size / 1e6:.2f} MB  export {t_export:.2f} s  "
          f"load→drawn {t_folium if t_folium is None else round(t_folium, 2)} s")
    if t_ours and t_folium:
        print(f"  ratio folium / ours at {n:,} cells: {t_folium / t_ours:.1f}×")

    if args.folium_full:
        grid = synthetic_grid(100_000)
        path = out / "folium_100000.html"
        t_export, size = folium_page(grid, path)
        t_folium = browser.load_until(path, "window.foliumDone && document.readyState === 'complete'", 60)
        print(f"folium GeoJson: 100,000 cells  html {size / 1e6:.1f} MB  export {t_export:.1f} s  "
              f"load→drawn {'> 60 s (abandoned)' if t_folium is None else f'{t_folium:.1f} s'}")
    else:
        print("folium GeoJson at 100,000 cells: not run (--folium-full); measured before at 102–121 s, 52 MB")

    spec = sample_city_spec()
    if spec is None:
        print("sample city: sample_data/ has no generated grid yet, skipped")
    else:
        from gis.maprender import export_map_html

        path = out / "sample_city_map.html"
        t0 = time.perf_counter()
        export_map_html(spec, path)
        t_export = time.perf_counter() - t0
        t_draw = browser.load_until(path, DRAWN, 60)
        stats = browser.evaluate("window.storeplan.stats") if t_draw else None
        print(f"sample city map.html: {path.stat().st_size / 1e6:.2f} MB  export {t_export:.2f} s  "
              f"load→drawn {t_draw if t_draw is None else round(t_draw, 2)} s  in-page {stats}  "
              f"(target < 10 MB, < 3 s)")
    if browser.errors:
        print("script errors:", *browser.errors[:5], sep="\n  ")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
