"""The exported map in a real browser engine (QtWebEngine, offscreen): offline, error-free, drawn."""

from __future__ import annotations

import json

import numpy as np
import pytest

pytest.importorskip("PySide6.QtWebEngineWidgets", exc_type=ImportError)

from PySide6.QtCore import QPoint, Qt, QUrl  # noqa: E402
from PySide6.QtGui import QColor  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWebEngineCore import (  # noqa: E402
    QWebEnginePage, QWebEngineProfile, QWebEngineSettings, QWebEngineUrlRequestInterceptor,
)
from PySide6.QtWebEngineWidgets import QWebEngineView  # noqa: E402

from gis import hexgrid  # noqa: E402
from gis.coords import wgs84_to_gcj02  # noqa: E402
from gis.maprender import Basemap, export_map_html, render_map_page  # noqa: E402
from gis.maprender.classify import TIER_COLORS  # noqa: E402
from tests.render.conftest import XSS_NAME, demo_spec, demo_tables  # noqa: E402

pytestmark = pytest.mark.gui

OTHER_LAYERS = ("districts", "districts:priority", "sites", "routes", "outlets", "expansion")
HOLES = (40, 333, 700)  # grid rows left without a value: drawn as background


class Recorder(QWebEngineUrlRequestInterceptor):
    """Records every request the page makes and blocks anything that would leave the machine."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def interceptRequest(self, info):  # noqa: N802 (Qt override)
        url = info.requestUrl().toString()
        self.urls.append(url)
        if url.lower().startswith(("http:", "https:")):
            info.block(True)


class Page(QWebEnginePage):
    def __init__(self, profile, parent=None):
        super().__init__(profile, parent)
        self.errors: list[str] = []
        self.alerts: list[str] = []

    def javaScriptConsoleMessage(self, level, message, line, source):  # noqa: N802
        if level == QWebEnginePage.JavaScriptConsoleMessageLevel.ErrorMessageLevel:
            self.errors.append(f"{message} ({source}:{line})")

    def javaScriptAlert(self, origin, message):  # noqa: N802
        self.alerts.append(message)


class Browser:
    def __init__(self, qtbot):
        self.qtbot = qtbot
        self.recorder = Recorder()
        self.profile = QWebEngineProfile()  # off the record: nothing shared with other tests
        self.profile.setUrlRequestInterceptor(self.recorder)
        self.view = QWebEngineView()
        self.page = Page(self.profile, self.view)
        self.view.setPage(self.page)
        # like an ordinary browser opening the file: remote URLs allowed, so the recorder sees any
        # request the page would make (QtWebEngine blocks them silently for file:// by default).
        # Allowing remote URLs clears file-URL access, so that is set again afterwards.
        settings = self.page.settings()
        settings.setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls, True)
        settings.setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessFileUrls, True)
        self.view.resize(1000, 720)
        self.view.show()

    def close(self) -> None:
        """Pages must go before their profile, or QtWebEngine complains at exit."""
        self.view.close()
        self.page.deleteLater()
        self.view.deleteLater()
        self.qtbot.wait(50)
        self.profile.deleteLater()
        self.qtbot.wait(50)

    def js(self, expression: str):
        """Value of a JavaScript expression (through JSON: Qt returns arrays and objects as '')."""
        box = {}
        self.page.runJavaScript(f"JSON.stringify({expression})", 0, lambda value: box.__setitem__("v", value))
        self.qtbot.waitUntil(lambda: "v" in box, timeout=10_000)
        return None if box["v"] in (None, "", "undefined") else json.loads(box["v"])

    def load(self, path) -> None:
        self.view.load(QUrl.fromLocalFile(str(path)))
        self.qtbot.waitUntil(lambda: self.js("!!(window.storeplan && (storeplan.drawn || storeplan.error))"),
                             timeout=20_000)
        assert self.js("window.storeplan.error || ''") == ""

    def pixel(self, lat: float, lon: float) -> QColor:
        x, y = self.js(f"storeplan.toContainerPoint({float(lat)!r}, {float(lon)!r})")
        image = self.view.grab().toImage()
        return image.pixelColor(round(x), round(y))

    def click(self, x: float, y: float) -> None:
        QTest.mouseClick(self.view.focusProxy(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         QPoint(round(x), round(y)))

    def hide_all_but(self, keep: str) -> None:
        for layer in OTHER_LAYERS + ("hex:residents", "hex:consumption_index"):
            self.js(f"storeplan.showLayer({layer!r}, {str(layer == keep).lower()})")
        self.js("(storeplan.map.closePopup(), true)")
        self.qtbot.wait(300)


def _blend(color: str, background: str, alpha: float) -> tuple[int, int, int]:
    c = [int(color[i:i + 2], 16) for i in (1, 3, 5)]
    b = [int(background[i:i + 2], 16) for i in (1, 3, 5)]
    return tuple(round(alpha * ci + (1 - alpha) * bi) for ci, bi in zip(c, b))


def _close(color: QColor, rgb, tol: int = 6) -> bool:
    return max(abs(color.red() - rgb[0]), abs(color.green() - rgb[1]), abs(color.blue() - rgb[2])) <= tol


@pytest.fixture(scope="module")
def holed_tables():
    tables = demo_tables()
    grid = tables["grid"].copy()
    grid.iloc[list(HOLES), grid.columns.get_loc("residents")] = np.nan
    tables["grid"] = grid
    return tables


@pytest.fixture
def browser(qtbot):
    b = Browser(qtbot)
    yield b
    b.close()


def test_exported_map_draws_offline_without_errors(qtbot, browser, tmp_path, holed_tables):
    spec = demo_spec(holed_tables)
    path = export_map_html(spec, tmp_path / "map.html")
    browser.load(path)

    assert browser.recorder.urls, "the interceptor saw no request at all"
    assert not [u for u in browser.recorder.urls if u.lower().startswith(("http:", "https:"))]
    assert browser.page.errors == []
    assert browser.js("storeplan.layers['hex:residents'].layer.shown") == len(spec.layers[0].grid) - len(HOLES)

    # hex cells: the class colour over the background at the layer's opacity; holes stay background
    browser.hide_all_but("hex:residents")
    layer = browser.js("storeplan.data.layers[0]")
    grid = holed_tables["grid"]
    cells = grid.index.to_numpy()
    lat, lon = hexgrid.cells_to_latlon(cells)
    for row in (0, 100, 250, 500, 900, len(cells) - 1):
        expected = _blend(layer["colors"][int(layer["cls"][row])], spec.background, 0.75)
        got = browser.pixel(lat[row], lon[row])
        assert _close(got, expected), (row, got.getRgb(), expected)
    for row in HOLES:
        got = browser.pixel(lat[row], lon[row])
        assert _close(got, _blend(spec.background, spec.background, 1.0)), (row, got.getRgb())

    # outlets: an isolated covered outlet shows its tier colour at its centre
    browser.hide_all_but("outlets")
    outlets = holed_tables["outlets"]
    points = np.array(browser.js("Array.from(storeplan.layers.outlets.points.lat).map("
                                 "(la, i) => storeplan.toContainerPoint(la, storeplan.layers.outlets.points.lng[i]))"))
    dist = np.hypot(*(points[:, None, :] - points[None, :, :]).transpose(2, 0, 1))
    np.fill_diagonal(dist, np.inf)
    inside = (points[:, 0] > 200) & (points[:, 0] < 800) & (points[:, 1] > 150) & (points[:, 1] < 600)
    lonely = np.flatnonzero((dist.min(axis=1) > 14) & outlets["covered"].to_numpy() & inside)
    assert lonely.size
    for i in lonely[:3]:
        got = browser.pixel(outlets["lat"].iloc[i], outlets["lon"].iloc[i])
        assert _close(got, _blend(TIER_COLORS[outlets["tier"].iloc[i]], "#000000", 1.0), tol=10), got.getRgb()

    # a click on the outlet reaches the app's bridge with its id (canvases let clicks through)
    browser.js("(storeplan.bridge = {select: function (kind, id) { window.picked = [kind, id]; }}, true)")
    i = int(lonely[0])
    browser.click(*browser.js(f"storeplan.toContainerPoint({outlets['lat'].iloc[i]}, {outlets['lon'].iloc[i]})"))
    qtbot.waitUntil(lambda: browser.js("window.picked || null") is not None, timeout=5_000)
    assert browser.js("window.picked") == ["outlet", outlets["outlet_id"].iloc[i]]
    # and a click on a cell names the cell
    browser.hide_all_but("hex:residents")
    browser.click(*browser.js(f"storeplan.toContainerPoint({lat[100]}, {lon[100]})"))
    qtbot.waitUntil(lambda: browser.js("window.picked[0]") == "cell", timeout=5_000)
    assert browser.js("window.picked[1]") == format(int(cells[100]), "x")

    # a hostile name is shown as text, never parsed as markup
    assert browser.js("storeplan.select('outlet', 'O0000')") is True
    titles = "Array.from(document.querySelectorAll('.sp-popup-title')).map(e => e.textContent)"
    qtbot.waitUntil(lambda: browser.js(titles) == [XSS_NAME], timeout=3_000)  # the old popup fades out
    browser.js("storeplan.showLayer('districts', true)")
    labels = browser.js("Array.from(document.querySelectorAll('.sp-label-text')).map(e => e.textContent)")
    assert XSS_NAME in labels and "黄浦区" in labels
    assert browser.js("document.querySelectorAll('img[src=x], .sp-map img:not(.leaflet-tile)').length") == 0
    assert browser.page.alerts == [] and browser.page.errors == []

    # the rest of the API the desktop app calls
    first_cell = "storeplan.data.grids[0].pre + storeplan.data.grids[0].cells[5] + storeplan.data.grids[0].suf"
    assert browser.js("storeplan.select('district', '310104')") is True
    assert browser.js(f"storeplan.select('cell', {first_cell})") is True
    assert browser.js("storeplan.select('outlet', 'no such outlet')") is False
    assert browser.js("storeplan.setOpacity('hex:residents', 0.3)") is True
    assert browser.js("storeplan.layers['hex:residents'].layer._canvas.style.opacity") == "0.3"
    browser.js("(storeplan.fitTo([[31.22, 121.46], [31.24, 121.48]]), true)")
    south, north = browser.js("[storeplan.map.getBounds().getSouth(), storeplan.map.getBounds().getNorth()]")
    assert south <= 31.22 + 1e-3 and north >= 31.24 - 1e-3
    assert browser.page.errors == []


def test_desktop_page_over_gcj02_tiles_shifts_every_layer(qtbot, browser, tmp_path, holed_tables):
    tiles = Basemap("https://tiles.example.com/{z}/{x}/{y}.png", "© 高德地图", crs="gcj02", name="高德")
    spec = demo_spec(holed_tables, basemap=tiles)
    page = render_map_page(spec, tmp_path)
    browser.load(page)

    def leaving():
        return [u for u in browser.recorder.urls if u.lower().startswith(("http:", "https:"))]

    qtbot.waitUntil(lambda: bool(leaving()), timeout=5_000)  # tiles are asked for after the first draw
    leaving = leaving()
    assert all(u.startswith("https://tiles.example.com/") for u in leaving)  # only the tiles
    assert any(u.startswith("file://") and u.endswith("leaflet.js") for u in browser.recorder.urls)
    assert [e for e in browser.page.errors if "tiles.example.com" not in e] == []

    # the script's GCJ-02 port agrees with gis.coords
    rng = np.random.default_rng(5)
    lon, lat = rng.uniform(73, 135, 20), rng.uniform(18, 53, 20)
    glon, glat = wgs84_to_gcj02(lon, lat)
    points = np.column_stack([lon, lat]).tolist()
    got = np.array(browser.js(f"{points}.map(p => storeplan.toGcj(p[0], p[1]))"))
    assert np.abs(got[:, 0] - glon).max() < 1e-9 and np.abs(got[:, 1] - glat).max() < 1e-9

    # a hole in the H3 layer appears where GCJ-02 puts it, ~500 m from its WGS-84 place
    browser.hide_all_but("hex:residents")
    browser.js("(storeplan.map.eachLayer(l => l instanceof L.TileLayer && storeplan.map.removeLayer(l)), true)")
    qtbot.wait(200)
    cells = holed_tables["grid"].index.to_numpy()
    lat, lon = hexgrid.cells_to_latlon(cells[list(HOLES)])
    background = _blend(spec.background, spec.background, 1.0)
    for la, lo in zip(lat, lon):
        assert _close(browser.pixel(la, lo), background)  # toContainerPoint applies the shift
        point = browser.js(f"storeplan.map.latLngToContainerPoint([{la}, {lo}])")
        x, y = point["x"], point["y"]
        unshifted = browser.view.grab().toImage().pixelColor(round(x), round(y))
        assert not _close(unshifted, background)  # the unshifted place is a coloured neighbour


def test_stop_numbers_show_on_a_few_routes_not_on_a_whole_plan(qtbot, browser, tmp_path):
    import pandas as pd

    from gis.maprender import MapSpec, RouteLayer

    tables = demo_tables()
    reps = tables["reps"]
    stops = tables["outlets"].head(3)
    rows = [{"rep_id": rep, "day": day, "seq": seq, "outlet_id": o.outlet_id, "name": o.name,
             "lat": o.lat, "lon": o.lon}
            for rep in reps.rep_id for day in range(20) for seq, o in enumerate(stops.itertuples(), start=1)]
    spec = MapSpec(title="routes", layers=(RouteLayer(pd.DataFrame(rows), reps, title="拜访路线"),))
    browser.load(export_map_html(spec, tmp_path / "map.html"))
    numbers = "document.querySelectorAll('.sp-stop-num').length"
    assert browser.js("storeplan.numberedRoutesMax") < 40
    assert browser.js(numbers) == 0                                  # 40 routes: lines only
    assert browser.js("storeplan.showRoutes('R1', null, false)") is True
    assert browser.js(numbers) == 20 * 3                             # one rep's 20 days
    assert browser.js("Array.from(document.querySelectorAll('.sp-stop-num')).map(e => e.textContent)"
                      ".sort().join('')") == "1" * 20 + "2" * 20 + "3" * 20
    assert browser.js("storeplan.showRoutes('', '2', false)") is True
    assert browser.js(numbers) == 2 * 3                              # both reps on day 2
    assert browser.js("storeplan.showRoutes('', null, false)") is True
    assert browser.js(numbers) == 0
    assert browser.page.errors == []


def test_a_map_without_a_size_yet_draws_once_it_has_one(qtbot, browser, tmp_path):
    # a page loaded into a view that is not laid out yet: its map container is 0×0 when init runs
    browser.load(export_map_html(demo_spec(), tmp_path / "map.html"))
    browser.js("(function () { var d = document.createElement('div'); d.id = 'late';"
               " d.style.cssText = 'position:absolute;left:0;top:0;width:0;height:0';"
               " document.body.appendChild(d); window.late = L.map(d, {zoomControl: false});"
               " storeplan.drawn = false; storeplan.init(window.late, storeplan.data); return true; })()")
    qtbot.wait(300)
    assert browser.js("storeplan.drawn") is False and browser.js("storeplan.error || ''") == ""
    browser.js("(document.getElementById('late').style.width = '600px',"
               " document.getElementById('late').style.height = '400px', true)")
    qtbot.waitUntil(lambda: browser.js("storeplan.drawn") is True, timeout=10_000)
    assert browser.js("window.late.getZoom()") > 5 and browser.js("storeplan.error || ''") == ""
    assert browser.page.errors == []
