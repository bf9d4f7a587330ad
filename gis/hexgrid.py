"""The one boundary with the ``h3`` library: every H3 call of StorePlan goes through here.

Conventions
- Cells are ``int64`` numpy arrays inside; hexadecimal strings only for display and files
  (:func:`cells_to_str`, :func:`str_to_cells`).
- Coordinates are WGS-84 degrees, passed as ``(lat, lon)`` arrays as h3 does; shapely geometries
  are ``(lon, lat)``, and the swap happens only in this module.
- Functions that return a set of cells return it sorted ascending, so results are deterministic.
- Errors of the h3 library are raised as :class:`gis.errors.GridError` with a plain message.

Point indexing speed
h3-py has no vectorised ``latlng_to_cell``; a Python loop over it manages about 1.5 M points/s.
:func:`latlon_to_cells` does the geometric part of H3's algorithm with numpy instead: each point
is projected gnomonically onto the closest icosahedron face and rounded to the hexagon lattice of
that face, exactly as H3 does (``geoToFaceIjk``). Points that land in the same lattice hexagon of
the same face are in the same H3 cell, so h3 itself is asked only once per distinct hexagon, with
one of its points. A point closer than a conservative rounding margin to a hexagon edge, or
equally close to two faces, is indexed by h3 directly. The face frames are derived from h3 at
first use and checked against it; if the check fails the module falls back to the plain loop.
The result is h3's own for every point: the tests compare the two on random points worldwide
and next to face centres, face edges, pentagons, cell vertices and cell centres.
"""

from __future__ import annotations

import functools
import itertools
import logging
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

import h3
from h3.api import basic_int as _h3

from gis.errors import GridError

try:  # the compiled entry points behind h3.api.*, without the per-call conversion layer
    from h3 import _cy as _h3c
except ImportError:  # pragma: no cover - only if h3 reorganises its internals
    _h3c = None

log = logging.getLogger(__name__)

MIN_RESOLUTION, MAX_RESOLUTION = 0, 15
DEFAULT_RESOLUTION = 9

_H3_ERRORS = (h3.H3BaseException, ValueError, TypeError, OverflowError)

# Constants of H3's projection (see the H3 documentation, "Indexing"):
_RES0_U_GNOMONIC = 0.38196601125010500003  # length of a res-0 lattice unit on the gnomonic plane
_AP7_ROT_RADS = math.asin(math.sqrt(3.0 / 28.0))  # rotation of class-III (odd) resolutions
_SQRT3 = math.sqrt(3.0)
_FAST_MIN_POINTS = 4096  # below this the plain loop is as fast
_BLOCK = 1 << 18  # points per vectorised block (bounds the temporaries)


def _latlng_to_cell_fn():
    return _h3c.latlng_to_cell if _h3c is not None else _h3.latlng_to_cell


# ---------------------------------------------------------------------------------------------
# resolution and validation


def validate_resolution(res) -> int:
    """``res`` as an int, or :class:`GridError` if it is not an H3 resolution 0…15."""
    try:
        value = int(res)
    except (TypeError, ValueError):
        raise GridError(f"H3 resolution must be a whole number 0…15, got {res!r}") from None
    if value != res or not MIN_RESOLUTION <= value <= MAX_RESOLUTION:
        raise GridError(f"H3 resolution must be a whole number 0…15, got {res!r}")
    return value


def valid_latlon(lat, lon) -> np.ndarray:
    """Boolean mask of points with finite coordinates inside −90…90 / −180…180."""
    lat = np.asarray(lat, dtype=float)
    lon = np.asarray(lon, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90.0) & (np.abs(lon) <= 180.0)


def _rows_text(positions: np.ndarray, limit: int = 5) -> str:
    shown = ", ".join(str(int(p)) for p in positions[:limit])
    return shown + (", …" if len(positions) > limit else "")


def as_cells(cells) -> np.ndarray:
    """Cells as a flat int64 array (uint64 input is reinterpreted); strings are refused."""
    arr = np.asarray(cells)
    if arr.dtype == np.uint64:
        arr = arr.view(np.int64)
    if arr.dtype.kind not in "iu":
        if arr.size == 0:
            return np.zeros(0, dtype=np.int64)
        raise GridError("H3 cells must be integers; convert strings with str_to_cells first")
    return np.ascontiguousarray(arr, dtype=np.int64).reshape(-1)


# ---------------------------------------------------------------------------------------------
# points → cells


@dataclass(frozen=True)
class _FaceFrames:
    """Per icosahedron face: its centre as a unit vector and its lattice axes on the tangent plane."""

    centre: np.ndarray  # (20, 3)
    axis_u: np.ndarray  # (20, 3) unit vector of the lattice i axis (class II orientation)
    axis_w: np.ndarray  # (20, 3) unit vector 90° counter-clockwise from it

    def axes(self, res: int) -> tuple[np.ndarray, np.ndarray, float]:
        """Lattice axes for ``res``, scaled to lattice units, and the scale itself."""
        scale = math.sqrt(7.0) ** res / _RES0_U_GNOMONIC
        u, w = self.axis_u, self.axis_w
        if res % 2 == 1:  # class III grids are rotated by asin(sqrt(3/28)) clockwise
            c, s = math.cos(_AP7_ROT_RADS), math.sin(_AP7_ROT_RADS)
            u, w = c * u + s * w, c * w - s * u
        return u * scale, w * scale, scale


def _unit_vectors(lat_deg, lon_deg) -> np.ndarray:
    lat = np.radians(np.asarray(lat_deg, dtype=float))
    lon = np.radians(np.asarray(lon_deg, dtype=float))
    cos_lat = np.cos(lat)
    return np.stack([cos_lat * np.cos(lon), cos_lat * np.sin(lon), np.sin(lat)], axis=-1)


def _to_lattice(v: np.ndarray, centre: np.ndarray, u: np.ndarray, w: np.ndarray):
    """Gnomonic projection of unit vectors onto the face planes, in lattice units."""
    dot_c = np.einsum("ij,ij->i", v, centre)
    return np.einsum("ij,ij->i", v, u) / dot_c, np.einsum("ij,ij->i", v, w) / dot_c


def _round_hex(x: np.ndarray, y: np.ndarray):
    """Nearest lattice point (axial q, r with a 60° basis) and the distance inside its hexagon edge."""
    q = x - y / _SQRT3
    r = (2.0 / _SQRT3) * y
    s = -q - r
    qi, ri, si = np.rint(q), np.rint(r), np.rint(s)
    dq, dr, ds = q - qi, r - ri, s - si
    adq, adr, ads = np.abs(dq), np.abs(dr), np.abs(ds)
    fix_q = (adq > adr) & (adq > ads)
    fix_r = ~fix_q & (adr > ads)
    fix_s = ~(fix_q | fix_r)
    # cube rounding: recompute the coordinate that was rounded furthest from the other two
    qi = np.where(fix_q, -ri - si, qi)
    ri = np.where(fix_r, -qi - si, ri)
    dq = np.where(fix_q, -dr - ds, dq)
    dr = np.where(fix_r, -dq - ds, dr)
    ds = np.where(fix_s, -dq - dr, ds)
    # inside a unit-spacing hexagon the offset projects to at most 1/2 on each neighbour direction;
    # those projections are half the pairwise differences of the cube offsets
    reach = np.maximum(np.abs(dq - ds), np.maximum(np.abs(dr - ds), np.abs(dr - dq))) * 0.5
    return qi.astype(np.int64), ri.astype(np.int64), 0.5 - reach


@functools.lru_cache(maxsize=1)
def _face_frames() -> _FaceFrames | None:
    """Derive the 20 face frames of H3's icosahedron from h3 itself; None if they do not check out."""
    try:
        pentagons = [c for c in _h3.get_res0_cells() if _h3.is_pentagon(c)]
        vertices = _unit_vectors(*np.array([_h3.cell_to_latlng(c) for c in pentagons]).T)
        centres = []
        for i, j, k in itertools.combinations(range(len(vertices)), 3):
            tri = vertices[[i, j, k]]
            if min(tri[0] @ tri[1], tri[1] @ tri[2], tri[0] @ tri[2]) < 0.4:
                continue  # not adjacent vertices of one face
            approx = tri.sum(axis=0) / np.linalg.norm(tri.sum(axis=0))
            lat, lon = math.degrees(math.asin(approx[2])), math.degrees(math.atan2(approx[1], approx[0]))
            # the finest cell containing a face centre is centred on it exactly
            fine = _h3.latlng_to_cell(lat, lon, MAX_RESOLUTION)
            centres.append(_unit_vectors(*_h3.cell_to_latlng(fine)))
        if len(centres) != 20:
            return None
        centre = np.array(centres)
        north = np.array([0.0, 0.0, 1.0])
        axis_u = np.empty((20, 3))
        for f in range(20):
            c = centre[f]
            east = np.cross(north, c)
            east /= np.linalg.norm(east)
            nrth = np.cross(c, east)
            # a first guess of the i axis (up to a multiple of 60°, which does not change the lattice)
            cell = _h3.latlng_to_cell(math.degrees(math.asin(c[2])), math.degrees(math.atan2(c[1], c[0])), 10)
            ring = _h3.grid_ring(cell, 1)[0]
            p = _unit_vectors(*_h3.cell_to_latlng(ring))
            axis_u[f] = nrth * (p @ nrth) + east * (p @ east)
            axis_u[f] /= np.linalg.norm(axis_u[f])
        frames = _frames_from(centre, axis_u)
        for _ in range(3):  # refine each axis on distant lattice points of that face
            axis_u = _refine_axes(frames)
            frames = _frames_from(centre, axis_u)
        if _frame_residual(frames) > 1e-9:
            log.warning("H3 face frames failed their check; using the per-point h3 loop")
            return None
        return frames
    except Exception:  # pragma: no cover - defensive: never let the fast path break indexing
        log.warning("could not derive H3 face frames; using the per-point h3 loop", exc_info=True)
        return None


def _frames_from(centre: np.ndarray, axis_u: np.ndarray) -> _FaceFrames:
    axis_w = np.cross(centre, axis_u)
    return _FaceFrames(centre=centre, axis_u=axis_u, axis_w=axis_w)


def _probe_points(frames: _FaceFrames, res: int = 8):
    """Centres of cells about 0.25 rad from each face centre in six directions: (face, unit vectors)."""
    faces, vectors = [], []
    for f in range(20):
        c, u, w = frames.centre[f], frames.axis_u[f], frames.axis_w[f]
        for k in range(6):
            a = k * math.pi / 3.0 + 0.3
            target = c + math.tan(0.25) * (math.cos(a) * u + math.sin(a) * w)
            target /= np.linalg.norm(target)
            cell = _h3.latlng_to_cell(math.degrees(math.asin(target[2])),
                                      math.degrees(math.atan2(target[1], target[0])), res)
            faces.append(f)
            vectors.append(_unit_vectors(*_h3.cell_to_latlng(cell)))
    return np.array(faces), np.array(vectors)


def _refine_axes(frames: _FaceFrames, res: int = 8) -> np.ndarray:
    faces, v = _probe_points(frames, res)
    u, w, _ = frames.axes(res)
    x, y = _to_lattice(v, frames.centre[faces], u[faces], w[faces])
    q, r, _ = _round_hex(x, y)
    lx, ly = q + r / 2.0, r * (_SQRT3 / 2.0)
    error = np.arctan2(y, x) - np.arctan2(ly, lx)
    error = (error + math.pi) % (2 * math.pi) - math.pi
    new_u = np.empty_like(frames.axis_u)
    for f in range(20):
        e = error[faces == f].mean()  # the measured angles are too large by e: turn the axis by e
        new_u[f] = math.cos(e) * frames.axis_u[f] + math.sin(e) * frames.axis_w[f]
        new_u[f] /= np.linalg.norm(new_u[f])
    return new_u


def _frame_residual(frames: _FaceFrames) -> float:
    worst = 0.0
    for res in (7, 8):
        faces, v = _probe_points(frames, res)
        u, w, _ = frames.axes(res)
        x, y = _to_lattice(v, frames.centre[faces], u[faces], w[faces])
        q, r, _ = _round_hex(x, y)
        worst = max(worst, float(np.hypot(x - (q + r / 2.0), y - r * _SQRT3 / 2.0).max()))
    return worst


_FACE_BIN_DEG = 0.25  # lookup bins for the closest face


@functools.lru_cache(maxsize=1)
def _face_lookup() -> np.ndarray:
    """Closest face per 0.25° lat/lon bin, or −1 where a face boundary may cross the bin."""
    frames = _face_frames()
    step = _FACE_BIN_DEG
    lat_c = np.arange(-90.0 + step / 2, 90.0, step)
    lon_c = np.arange(-180.0 + step / 2, 180.0, step)
    chord = np.linalg.norm(frames.centre[:, None, :] - frames.centre[None, :, :], axis=-1)
    # half-diagonal of a bin as an angle, with room to spare; v·(c_best − c_f) changes by at most
    # |c_best − c_f| times the angle v moves
    reach = 1.5 * math.radians(step) * math.sqrt(2.0) / 2.0
    table = np.empty((len(lat_c), len(lon_c)), dtype=np.int8)
    for row, lat in enumerate(lat_c):
        x, y, z = _unit_xyz(np.full(len(lon_c), lat), lon_c)
        dots = np.stack([x, y, z], axis=-1) @ frames.centre.T
        best = dots.argmax(axis=1)
        gap = dots[np.arange(len(best)), best][:, None] - dots
        safe = (gap > chord[best] * reach) | (np.arange(20)[None, :] == best[:, None])
        table[row] = np.where(safe.all(axis=1), best, -1)
    return table


def _unit_xyz(lat_deg: np.ndarray, lon_deg: np.ndarray):
    lat = np.radians(lat_deg)
    lon = np.radians(lon_deg)
    cos_lat = np.cos(lat)
    return cos_lat * np.cos(lon), cos_lat * np.sin(lon), np.sin(lat)


def _lattice_keys(lat: np.ndarray, lon: np.ndarray, res: int, frames: _FaceFrames):
    """(key per point, ambiguous mask): one key per (face, lattice hexagon)."""
    x3, y3, z3 = _unit_xyz(lat, lon)
    table = _face_lookup()
    n_lat, n_lon = table.shape
    i = np.minimum(((lat + 90.0) / _FACE_BIN_DEG).astype(np.int64), n_lat - 1)
    j = np.minimum(((lon + 180.0) / _FACE_BIN_DEG).astype(np.int64), n_lon - 1)
    face = table[i, j].astype(np.int64)
    tie = np.zeros(len(lat), dtype=bool)
    unsure = np.flatnonzero(face < 0)
    if len(unsure):
        v = np.stack([x3[unsure], y3[unsure], z3[unsure]], axis=-1)
        dots = v @ frames.centre.T
        best_face = dots.argmax(axis=1)
        rows = np.arange(len(unsure))
        best = dots[rows, best_face]
        dots[rows, best_face] = -2.0
        tie[unsure] = best - dots.max(axis=1) < 1e-12
        face[unsure] = best_face
    u, w, scale = frames.axes(res)
    c = frames.centre
    dot_c = x3 * c[face, 0] + y3 * c[face, 1] + z3 * c[face, 2]
    x = (x3 * u[face, 0] + y3 * u[face, 1] + z3 * u[face, 2]) / dot_c
    y = (x3 * w[face, 0] + y3 * w[face, 1] + z3 * w[face, 2]) / dot_c
    q, r, margin = _round_hex(x, y)
    radius = np.hypot(x, y)
    # covers float error here and in h3 (its acos loses precision near a face centre)
    with np.errstate(divide="ignore"):
        tolerance = 1e-9 + 1e-15 * scale + 1e-12 * radius + 1e-14 * scale * scale / radius
    ambiguous = tie | ~(margin > tolerance)
    offset = 1 << (_KEY_BITS - 1)
    key = (face << 56) | ((q + offset) << _KEY_BITS) | (r + offset)
    return key, ambiguous


def _loop_cells(lat: np.ndarray, lon: np.ndarray, res: int) -> np.ndarray:
    fn = _latlng_to_cell_fn()
    out = np.fromiter(map(fn, lat.tolist(), lon.tolist(), itertools.repeat(res, len(lat))),
                      dtype=np.uint64, count=len(lat))
    return out.view(np.int64)


_KEY_BITS = 28
_KEY_MASK = (1 << _KEY_BITS) - 1


def _first_of_groups(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(position of the first element of each distinct key, group code per element)."""
    n = len(key)
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    face = key >> 56
    q = (key >> _KEY_BITS) & _KEY_MASK
    r = key & _KEY_MASK
    f0, q0, r0 = face.min(), q.min(), r.min()
    f_span, q_span, r_span = face.max() - f0 + 1, q.max() - q0 + 1, r.max() - r0 + 1
    size = int(f_span) * int(q_span) * int(r_span)
    if size <= max(4 * n, 1 << 20):
        # points of one city fill a small window of one face's lattice: index it densely
        dense = ((face - f0) * q_span + (q - q0)) * r_span + (r - r0)
        first = np.full(size, -1, dtype=np.int64)
        first[dense[::-1]] = np.arange(n - 1, -1, -1)
        present = first >= 0
        compact = np.cumsum(present) - 1
        return first[present], compact[dense]
    codes, uniques = pd.factorize(key)
    first = np.empty(len(uniques), dtype=np.int64)
    first[codes[::-1]] = np.arange(n - 1, -1, -1)
    return first, codes.astype(np.int64, copy=False)


def _fast_codes(lat: np.ndarray, lon: np.ndarray, res: int, frames: _FaceFrames):
    n = len(lat)
    key = np.empty(n, dtype=np.int64)
    ambiguous = np.empty(n, dtype=bool)
    for start in range(0, n, _BLOCK):
        sl = slice(start, start + _BLOCK)
        key[sl], ambiguous[sl] = _lattice_keys(lat[sl], lon[sl], res, frames)
    if not ambiguous.any():
        reps, codes = _first_of_groups(key)
        return codes, _loop_cells(lat[reps], lon[reps], res)
    codes = np.empty(n, dtype=np.int64)
    clear = np.flatnonzero(~ambiguous)
    first, clear_codes = _first_of_groups(key[clear])
    group_cells = _loop_cells(lat[clear[first]], lon[clear[first]], res)
    codes[clear] = clear_codes
    unsure = np.flatnonzero(ambiguous)
    unsure_codes, unsure_cells = pd.factorize(_loop_cells(lat[unsure], lon[unsure], res))
    codes[unsure] = unsure_codes + len(group_cells)
    return codes, np.concatenate([group_cells, np.asarray(unsure_cells, dtype=np.int64)])


def latlon_to_cell_groups(lat, lon, res: int, *, method: str = "auto") -> tuple[np.ndarray, np.ndarray]:
    """Points indexed as groups: ``(codes, group_cells)`` with ``group_cells[codes]`` the cell of
    each point. A cell may appear in more than one group. Cheaper than :func:`latlon_to_cells`
    when the points are to be aggregated per cell anyway. Same checks as :func:`latlon_to_cells`.
    """
    res = validate_resolution(res)
    lat = np.ascontiguousarray(lat, dtype=float).reshape(-1)
    lon = np.ascontiguousarray(lon, dtype=float).reshape(-1)
    if lat.shape != lon.shape:
        raise GridError(f"lat and lon differ in length ({len(lat)} and {len(lon)})")
    ok = valid_latlon(lat, lon)
    if not ok.all():
        bad = np.flatnonzero(~ok)
        raise GridError(f"{len(bad)} points have missing or out-of-range coordinates (rows "
                        f"{_rows_text(bad)}): latitude must be within −90…90 and longitude −180…180")
    if method not in ("auto", "loop"):
        raise GridError(f"unknown indexing method {method!r}: use 'auto' or 'loop'")
    frames = _face_frames() if method == "auto" and len(lat) >= _FAST_MIN_POINTS else None
    try:
        if frames is None:
            codes, uniques = pd.factorize(_loop_cells(lat, lon, res))
            return codes.astype(np.int64, copy=False), np.asarray(uniques, dtype=np.int64)
        return _fast_codes(lat, lon, res, frames)
    except _H3_ERRORS as exc:  # pragma: no cover - inputs are validated above
        raise GridError(f"H3 could not index the points: {exc}") from exc


def latlon_to_cells(lat, lon, res: int, *, method: str = "auto") -> np.ndarray:
    """H3 cell (int64) of each point, aligned to the input.

    ``method`` is "auto" (vectorised, see the module notes) or "loop" (one h3 call per point).
    Raises :class:`GridError` naming the rows whose coordinates are not finite or out of range.
    """
    codes, group_cells = latlon_to_cell_groups(lat, lon, res, method=method)
    return group_cells[codes]


# ---------------------------------------------------------------------------------------------
# strings, validity, resolution


def cells_to_str(cells) -> np.ndarray:
    """Lower-case hexadecimal strings (object array), as h3 and h3-js write them."""
    return np.array([format(c, "x") for c in as_cells(cells).tolist()], dtype=object)


def _parse_one(value) -> int | None:
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, (int, np.integer)):
        number = int(value)
    elif isinstance(value, (float, np.floating)):
        # a float cannot hold a 64-bit H3 index exactly (it was rounded by a spreadsheet)
        return None
    else:
        text = str(value).strip().lower()
        if text.startswith("0x"):
            text = text[2:]
        if not text or len(text) > 16:
            return None
        try:
            number = int(text, 16)
        except ValueError:
            return None
    if not 0 < number < (1 << 63):
        return None
    return number if _h3.is_valid_cell(number) else None


def parse_cells(values) -> tuple[np.ndarray, np.ndarray]:
    """Parse cells given as hex strings (with or without ``0x``), ints, or a mix.

    Returns ``(cells, valid)``: int64 cells (0 where invalid) and a boolean mask of valid ones.
    """
    if isinstance(values, np.ndarray) and values.dtype.kind in "iu":
        cells = as_cells(values)
        valid = is_valid_cells(cells)
        return np.where(valid, cells, 0), valid
    items = list(values.tolist() if hasattr(values, "tolist") else values)
    parsed = [_parse_one(v) for v in items]
    valid = np.array([p is not None for p in parsed], dtype=bool)
    cells = np.array([p if p is not None else 0 for p in parsed], dtype=np.int64)
    return cells, valid


def str_to_cells(values) -> np.ndarray:
    """Like :func:`parse_cells` but raises :class:`GridError` naming the invalid values."""
    cells, valid = parse_cells(values)
    if not valid.all():
        items = list(values.tolist() if hasattr(values, "tolist") else values)
        bad = np.flatnonzero(~valid)
        shown = ", ".join(repr(items[i]) for i in bad[:5]) + (", …" if len(bad) > 5 else "")
        raise GridError(f"{len(bad)} values are not valid H3 cells (rows {_rows_text(bad)}: {shown})")
    return cells


def is_valid_cells(cells) -> np.ndarray:
    """Boolean mask of valid H3 cell indexes."""
    arr = as_cells(cells)
    fn = _h3c.is_valid_cell if _h3c is not None else _h3.is_valid_cell
    return np.fromiter(map(fn, arr.view(np.uint64).tolist()), dtype=bool, count=len(arr))


def require_valid_cells(cells: np.ndarray) -> np.ndarray:
    """``cells`` unchanged, or :class:`GridError` naming the rows that are not valid cells."""
    ok = is_valid_cells(cells)
    if not ok.all():
        bad = np.flatnonzero(~ok)
        raise GridError(f"{len(bad)} values are not valid H3 cells (rows {_rows_text(bad)})")
    return cells


def cell_resolution(cells) -> np.ndarray:
    """Resolution of each (valid) cell, as int64 (read from the index bits)."""
    arr = as_cells(cells)
    return (arr >> 52) & 0xF


# ---------------------------------------------------------------------------------------------
# cells → geometry


def cells_to_latlon(cells) -> tuple[np.ndarray, np.ndarray]:
    """Centre ``(lat, lon)`` of each cell, aligned to the input."""
    arr = require_valid_cells(as_cells(cells))
    fn = _h3c.cell_to_latlng if _h3c is not None else _h3.cell_to_latlng
    flat = np.fromiter(itertools.chain.from_iterable(map(fn, arr.view(np.uint64).tolist())),
                       dtype=float, count=2 * len(arr))
    return flat[0::2].copy(), flat[1::2].copy()


def cells_to_polygons(cells) -> np.ndarray:
    """Shapely polygons (lon, lat) of the cells, aligned to the input.

    Cells crossing the antimeridian get longitudes beyond ±180 so their polygon stays whole.
    """
    import shapely

    arr = require_valid_cells(as_cells(cells))
    out = np.empty(len(arr), dtype=object)
    if len(arr) == 0:
        return out
    boundaries = [_h3.cell_to_boundary(c) for c in arr.tolist()]
    counts = np.fromiter(map(len, boundaries), dtype=np.int64, count=len(arr))
    for count in np.unique(counts):
        rows = np.flatnonzero(counts == count)
        latlng = np.array([boundaries[i] for i in rows], dtype=float)  # (m, count, 2) as (lat, lng)
        lon, lat = latlng[:, :, 1], latlng[:, :, 0]
        wraps = (lon.max(axis=1) - lon.min(axis=1)) > 180.0
        if wraps.any():
            lon = lon.copy()
            lon[wraps] = np.where(lon[wraps] < 0, lon[wraps] + 360.0, lon[wraps])
        out[rows] = shapely.polygons(np.stack([lon, lat], axis=-1))
    return out


# ---------------------------------------------------------------------------------------------
# hierarchy


def cells_to_parent(cells, res: int) -> np.ndarray:
    """Parent of each cell at the coarser (or equal) resolution ``res``, aligned to the input."""
    res = validate_resolution(res)
    arr = require_valid_cells(as_cells(cells))
    if len(arr) and cell_resolution(arr).min() < res:
        raise GridError(f"cannot take parents at resolution {res} of cells at a coarser resolution")
    # H3 index bits: resolution in bits 52–55; digit d (1…15) in bits 3·(15−d)…; unused digits are 7
    cleared = arr & ~np.int64(0xF << 52)
    unused = np.int64((1 << (3 * (MAX_RESOLUTION - res))) - 1)
    return cleared | np.int64(res << 52) | unused


def cells_to_children(cells, res: int) -> tuple[np.ndarray, np.ndarray]:
    """Children at the finer (or equal) resolution ``res``: ``(parent_index, child)`` arrays.

    ``parent_index`` gives the position in ``cells`` of each child's parent; children of one parent
    are sorted ascending and parents keep their input order.
    """
    res = validate_resolution(res)
    arr = require_valid_cells(as_cells(cells))
    if len(arr) and cell_resolution(arr).max() > res:
        raise GridError(f"cannot take children at resolution {res} of cells at a finer resolution")
    fn = _h3c.cell_to_children if _h3c is not None else None
    parts, sizes = [], []
    for c in arr.view(np.uint64).tolist():
        kids = np.asarray(fn(c, res)) if fn is not None else np.array(_h3.cell_to_children(c, res), dtype=np.uint64)
        kids = np.sort(kids.astype(np.uint64).view(np.int64))
        parts.append(kids)
        sizes.append(len(kids))
    if not parts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.repeat(np.arange(len(arr)), sizes), np.concatenate(parts)


def children_count(res_from: int, res_to: int) -> int:
    """Number of children a hexagon at ``res_from`` has at ``res_to`` (7 per step)."""
    return 7 ** (validate_resolution(res_to) - validate_resolution(res_from))


# ---------------------------------------------------------------------------------------------
# neighbourhoods


@functools.lru_cache(maxsize=32)
def _ring_distances(k: int) -> np.ndarray:
    return np.repeat(np.arange(k + 1), [1] + [6 * d for d in range(1, k + 1)])


@functools.lru_cache(maxsize=16)
def _pentagons(res: int) -> np.ndarray:
    return np.sort(np.array(_h3.get_pentagons(res), dtype=np.uint64).view(np.int64))


def _raw_disks(cells: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(concatenated disks, size per cell) straight from h3, in h3's order."""
    as_u64 = cells.view(np.uint64).tolist()
    if _h3c is not None:
        views = [_h3c.grid_disk(c, k) for c in as_u64]
        sizes = np.fromiter(map(len, views), dtype=np.int64, count=len(views))
        flat = np.frombuffer(b"".join(views), dtype=np.uint64).view(np.int64)
    else:  # pragma: no cover
        lists = [_h3.grid_disk(c, k) for c in as_u64]
        sizes = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
        flat = np.fromiter(itertools.chain.from_iterable(lists), dtype=np.uint64).view(np.int64)
    return flat, sizes


def grid_disk(cells, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All cells within ``k`` rings of each cell.

    Returns ``(origin_index, neighbour, distance)``: the position in ``cells`` of the origin, the
    neighbouring cell, and its grid distance in rings (0 for the origin itself). Rows are grouped
    by origin in input order and, within an origin, ordered by distance.
    """
    try:
        k = int(k)
    except (TypeError, ValueError):
        raise GridError(f"ring count k must be a whole number ≥ 0, got {k!r}") from None
    if k < 0:
        raise GridError(f"ring count k must be a whole number ≥ 0, got {k}")
    arr = require_valid_cells(as_cells(cells))
    if len(arr) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty.copy(), empty.copy()
    uniq, inverse = np.unique(arr, return_inverse=True)
    try:
        flat, sizes = _raw_disks(uniq, k)
    except _H3_ERRORS as exc:  # pragma: no cover - cells are validated above
        raise GridError(f"H3 could not compute a grid disk: {exc}") from exc
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    owner = np.repeat(np.arange(len(uniq)), sizes)
    ring = _ring_distances(k)
    # h3 lists a disk ring by ring, unless a pentagon nearby makes it fall back to an unordered
    # search; those few disks get their distances one by one
    pentagons = np.concatenate([_pentagons(r) for r in np.unique(cell_resolution(uniq)).tolist()])
    irregular = sizes != len(ring)
    irregular[np.unique(owner[np.isin(flat, pentagons)])] = True
    dist = np.empty(len(flat), dtype=np.int64)
    regular_rows = ~irregular[owner]
    dist[regular_rows] = np.tile(ring, int((~irregular).sum()))
    if irregular.any():
        flat = flat.copy()
    for u in np.flatnonzero(irregular).tolist():
        sl = slice(starts[u], starts[u] + sizes[u])
        origin = int(uniq[u])
        d = np.array([_h3.grid_distance(origin, int(c)) for c in flat[sl].tolist()], dtype=np.int64)
        order = np.lexsort((flat[sl], d))
        flat[sl], dist[sl] = flat[sl][order], d[order]
    if len(uniq) == len(arr) and np.array_equal(uniq, arr):
        return owner, flat, dist
    # expand per input cell (many inputs share an origin)
    take_sizes = sizes[inverse]
    origin_index = np.repeat(np.arange(len(arr)), take_sizes)
    offsets = np.arange(take_sizes.sum()) - np.repeat(np.cumsum(take_sizes) - take_sizes, take_sizes)
    source = np.repeat(starts[inverse], take_sizes) + offsets
    return origin_index, flat[source], dist[source]


def grid_distance(a, b) -> np.ndarray:
    """Grid distance in rings between paired cells (−1 where h3 cannot tell, e.g. too far)."""
    a, b = as_cells(a), as_cells(b)
    if a.shape != b.shape:
        raise GridError("grid_distance needs two cell arrays of the same length")
    out = np.empty(len(a), dtype=np.int64)
    for i, (x, y) in enumerate(zip(a.tolist(), b.tolist())):
        try:
            out[i] = _h3.grid_distance(x, y)
        except _H3_ERRORS:
            out[i] = -1
    return out


# ---------------------------------------------------------------------------------------------
# polygons → cells


def _polygon_parts(geometry):
    import shapely

    if geometry is None or shapely.is_empty(geometry):
        return []
    kind = shapely.get_type_id(geometry)
    if kind == 3:  # Polygon
        return [geometry]
    if kind == 6:  # MultiPolygon
        return list(shapely.get_parts(geometry))
    if kind == 7:  # GeometryCollection: keep its polygonal parts
        return [p for g in shapely.get_parts(geometry) for p in _polygon_parts(g)]
    raise GridError(f"expected a Polygon or MultiPolygon, got a {geometry.geom_type}")


def polygon_to_cells(geometry, res: int, contain: str = "center") -> np.ndarray:
    """Sorted cells covering a WGS-84 (lon, lat) Polygon/MultiPolygon, holes respected.

    ``contain``: "center" (cell centre inside, the default: every point of the plane belongs to
    exactly one polygon of a tiling), "full" (cell wholly inside) or "overlap" (cell touches it).
    """
    res = validate_resolution(res)
    if contain not in ("center", "full", "overlap"):
        raise GridError(f"unknown containment {contain!r}: use 'center', 'full' or 'overlap'")
    found = []
    try:
        for part in _polygon_parts(geometry):
            shape = _h3.geo_to_h3shape(part)
            if contain == "center":
                found.append(np.array(_h3.h3shape_to_cells(shape, res), dtype=np.uint64))
            else:
                found.append(np.array(_h3.h3shape_to_cells_experimental(shape, res, contain),
                                      dtype=np.uint64))
    except _H3_ERRORS as exc:
        raise GridError(f"H3 could not fill the polygon: {exc}") from exc
    if not found:
        return np.zeros(0, dtype=np.int64)
    return np.unique(np.concatenate(found).view(np.int64))


# ---------------------------------------------------------------------------------------------
# sizes


def cell_area_km2(res: int) -> float:
    """Average hexagon area at ``res`` in km²."""
    return float(_h3.average_hexagon_area(validate_resolution(res), "km^2"))


def cells_area_km2(cells) -> np.ndarray:
    """Exact area of each cell in km², aligned to the input."""
    arr = require_valid_cells(as_cells(cells))
    return np.array([_h3.cell_area(c, "km^2") for c in arr.tolist()], dtype=float)


def edge_length_m(res: int) -> float:
    """Average hexagon edge length at ``res`` in metres (also the centre-to-vertex distance)."""
    return float(_h3.average_hexagon_edge_length(validate_resolution(res), "m"))
