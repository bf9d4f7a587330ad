"""Write map pages: ``map.html`` for executives (one self-contained file) and the desktop map view's page.

:func:`export_map_html` inlines every script, stylesheet, image and font, so the file opens in
any browser with no network; it is written to a temporary file beside the target and renamed
into place, so a failure or a cancel never leaves a half-written map behind.

:func:`render_map_page` writes the same page with the bundled assets referenced by ``file://``
URL: it is what the desktop map view loads (QtWebEngine's ``setHtml`` fails above 2 MB) and
regenerates on every change, so it skips the inlining.

A QtWebEngine view showing that page with an online basemap must allow remote URLs for local
content (``LocalContentCanAccessRemoteUrls``) and then allow file URLs again
(``LocalContentCanAccessFileUrls``): enabling the first clears the second, and without it the
linked scripts do not load. Without an online basemap the defaults are right.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from pathlib import Path

from gis.errors import StorePlanError
from gis.maprender.html import build_payload, page_html
from gis.maprender.spec import MapSpec
from gis.progress import SubProgress, check, ensure

log = logging.getLogger(__name__)

PAGE_NAME = "storeplan-map.html"


def _write_atomic(path: Path, text: str, progress=None) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        check(progress)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def export_map_html(spec: MapSpec, path, progress=None) -> Path:
    """Write ``spec`` as one self-contained HTML file at ``path`` (assets inlined, no network use).

    Reports progress, honours cancel (raising :class:`gis.errors.Cancelled`), and leaves any
    existing file at ``path`` untouched unless the new one was written completely.
    """
    path = Path(path)
    progress = ensure(progress)
    t0 = time.perf_counter()
    payload = build_payload(spec, SubProgress(progress, 0.0, 0.7))
    check(progress)
    progress.report(0.75, "page")
    text = page_html(spec, payload, inline=True)
    check(progress)
    progress.report(0.85, "writing")
    try:
        _write_atomic(path, text, progress)
    except OSError as error:
        raise StorePlanError(f"cannot write the map to {path}: {error.strerror or error}") from error
    progress.report(1.0, "")
    log.info("map written to %s (%.1f MB, %.2f s)", path, len(text.encode("utf-8")) / 1e6,
             time.perf_counter() - t0)
    return path


def render_map_page(spec: MapSpec, directory, progress=None) -> Path:
    """Write the desktop map view's page into ``directory`` and return its path.

    Assets stay where they are installed and are referenced by ``file://`` URL, so the page is
    only the payload plus a few lines; it is rewritten atomically, so a view reloading while the
    next version is written never sees a partial page.
    """
    directory = Path(directory)
    payload = build_payload(spec, progress)
    check(progress)
    text = page_html(spec, payload, inline=False)
    path = directory / PAGE_NAME
    try:
        _write_atomic(path, text, progress)
    except OSError as error:
        raise StorePlanError(f"cannot write the map page to {path}: {error.strerror or error}") from error
    return path
