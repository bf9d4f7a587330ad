"""The bundled CJK font (``resources/fonts``) for matplotlib and reportlab.

One TrueType collection carries both Chinese and Latin glyphs, so every label, table and title
is set in one face and both libraries embed the used glyphs as a subset (``pdffonts`` shows
"emb yes"). Registration is done once per process and is safe to repeat.
"""

from __future__ import annotations

import logging
import threading
from functools import lru_cache
from pathlib import Path

from gis.resources import resource_path

log = logging.getLogger(__name__)

FONT_FILE = ("fonts", "wqy-microhei.ttc")
FAMILY = "WenQuanYi Micro Hei"  # the collection's first face (the second is the monospaced one)
REPORTLAB_NAME = "StorePlanCJK"

_lock = threading.Lock()


def font_path() -> Path:
    """Path of the bundled CJK font; :class:`gis.errors.StorePlanError` when it is missing."""
    return resource_path(*FONT_FILE)


@lru_cache(maxsize=1)
def matplotlib_family() -> str:
    """Register the font with matplotlib's font manager and return its family name."""
    from matplotlib import font_manager

    path = str(font_path())
    with _lock:
        known = {Path(f.fname) for f in font_manager.fontManager.ttflist}
        if Path(path) not in known:
            font_manager.fontManager.addfont(path)
    names = [f.name for f in font_manager.fontManager.ttflist if Path(f.fname) == Path(path)]
    return FAMILY if FAMILY in names else names[0]


def matplotlib_rc() -> dict:
    """rcParams for a figure drawn in the bundled font, with TrueType (searchable) text in PDFs."""
    family = matplotlib_family()
    return {
        "font.family": "sans-serif",
        "font.sans-serif": [family, "DejaVu Sans"],
        "axes.unicode_minus": False,  # the font has no U+2212: use the ASCII hyphen
        "pdf.fonttype": 42,
        "ps.fonttype": 42,
        "svg.fonttype": "none",
    }


@lru_cache(maxsize=1)
def reportlab_font() -> str:
    """Register the font with reportlab (as its own bold and italic too) and return its name."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    with _lock:
        if REPORTLAB_NAME not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(REPORTLAB_NAME, str(font_path()), subfontIndex=0))
            for bold in (0, 1):
                for italic in (0, 1):
                    addMapping(REPORTLAB_NAME, bold, italic, REPORTLAB_NAME)
    return REPORTLAB_NAME
