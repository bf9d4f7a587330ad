"""Sniffing text tables: character encoding, delimiter and which line holds the header.

Chinese Excel saves "CSV" in GBK unless told otherwise, other systems write UTF-8 with or without a
byte-order mark, and Excel's "Unicode text" is UTF-16 with tabs. A sample from the start of the
file is decoded strictly as UTF-8, then as GB18030 (a superset of GBK and GB2312); a multibyte
character cut at the end of the sample is not an error because the decoders run incrementally.
charset-normalizer is the last resort.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import logging
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

SAMPLE_BYTES = 256 * 1024
DELIMITERS = (",", "\t", ";", "|")
# Characters that betray a delimiter the reader did not split on (full-width comma, 顿号).
_HINT_DELIMITERS = (";", "\t", "|", ",", "，", "、")


@dataclass(frozen=True)
class TextFormat:
    """How to split a text table: its delimiter and the 0-based line of its header."""

    delimiter: str
    header_line: int = 0


def read_sample(path: Path, nbytes: int = SAMPLE_BYTES) -> tuple[bytes, bool]:
    """The first ``nbytes`` bytes (decompressed for .gz) and whether that is the whole file."""
    opener = gzip.open if _is_gzip(path) else open
    with opener(path, "rb") as fh:
        data = fh.read(nbytes + 1)
    return data[:nbytes], len(data) <= nbytes


def _is_gzip(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(2) == b"\x1f\x8b"


def _decodes(data: bytes, codec: str, final: bool) -> bool:
    try:
        codecs.getincrementaldecoder(codec)(errors="strict").decode(data, final=final)
    except UnicodeDecodeError:
        return False
    return True


def detect_encoding(sample: bytes, complete: bool = True) -> str | None:
    """Python codec name for a byte sample, or None if no candidate decodes it.

    Returns ``utf-8-sig`` (UTF-8 with BOM), ``utf-16`` (with BOM), ``utf-16-le``/``utf-16-be``
    (without), ``utf-8``, ``gb18030`` (GBK files), or charset-normalizer's guess.
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    head = sample[:4096]
    if len(head) >= 4 and head.count(0) > len(head) // 4:
        # UTF-16 without a BOM: ASCII characters leave a NUL byte on one side.
        return "utf-16-le" if head[1::2].count(0) > head[0::2].count(0) else "utf-16-be"
    for codec in ("utf-8", "gb18030"):
        if _decodes(sample, codec, final=complete):
            return codec
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - optional
        return None
    best = from_bytes(sample).best()
    if best is None:
        return None
    log.info("encoding guessed by charset-normalizer: %s", best.encoding)
    return best.encoding


def decode_sample(sample: bytes, encoding: str) -> str:
    """Decode a sample, tolerating a character cut at its end."""
    return codecs.getincrementaldecoder(encoding)(errors="replace").decode(sample, final=False)


def _field_counts(lines: list[str], delimiter: str) -> list[list[str]]:
    try:
        return [row for row in csv.reader(lines, delimiter=delimiter)]
    except csv.Error:
        return [line.split(delimiter) for line in lines]


def sniff_lines(text: str, complete: bool, preferred: str | None = None) -> TextFormat:
    """Delimiter and header line of a decoded sample."""
    lines = text.splitlines()
    if not complete and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut
    lines = lines[:500]
    skip = 0
    forced = None
    if lines and lines[0].lower().startswith("sep=") and len(lines[0]) == 5:
        forced, skip = lines[0][4], 1  # Excel's "sep=;" first line
    body = lines[skip:]
    if forced is not None:
        delimiter = forced
    else:
        delimiter = _choose_delimiter(body, preferred)
    rows = _field_counts(body, delimiter)
    first = _header_index(rows)
    # A line above the header that holds another delimiter is a header split differently, not a
    # title: keep it so the mismatch is reported instead of silently skipping the real header.
    for i in range(first):
        if any(d in body[i] for d in DELIMITERS if d != delimiter):
            first = i
            break
    return TextFormat(delimiter=delimiter, header_line=skip + first)


def _choose_delimiter(lines: list[str], preferred: str | None) -> str:
    best, best_key = None, None
    order = list(DELIMITERS)
    if preferred in order:
        order.remove(preferred)
        order.insert(0, preferred)
    for rank, delim in enumerate(order):
        counts = [len(r) for r in _field_counts(lines, delim) if any(f.strip() for f in r)]
        if not counts:
            continue
        data = counts[1:] if len(counts) > 2 else counts  # a title line must not decide
        modal, freq = Counter(data).most_common(1)[0]
        if modal < 2:
            continue
        key = (round(freq / len(data), 2), modal, -rank)
        if best_key is None or key > best_key:
            best, best_key = delim, key
    if best is None:
        return preferred if preferred in DELIMITERS else ","
    return best


def _header_index(rows: list[list[str]]) -> int:
    """First row that is filled like a header (title lines above a table are skipped)."""
    filled = [sum(1 for f in r if f.strip()) for r in rows[:30]]
    if not filled or max(filled) == 0:
        return 0
    top = max(filled)
    need = 1 if top < 2 else max(2, int(0.6 * top + 0.5))
    for i, n in enumerate(filled):
        if n >= need:
            return i
    return 0


def header_index(rows: list[list]) -> int:
    """Header row of a list of value rows (Excel sheets): first row filled like a header."""
    as_text = [["" if v is None else str(v) for v in r] for r in rows]
    return _header_index(as_text)


def delimiter_hint(text: str) -> str | None:
    """A delimiter character present in ``text`` (a header read as one column), if any."""
    for ch in _HINT_DELIMITERS:
        if ch in text:
            return ch
    return None
