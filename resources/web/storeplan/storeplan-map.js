/* StorePlan map layers: H3 cells, points, districts, sites and routes drawn from one JSON payload.
 *
 * Needs Leaflet 1.9 (global L) and h3-js 4 (global h3). Every user string reaches the DOM through
 * textContent; the two Leaflet APIs that take HTML (layer names, attribution) get escaped text.
 *
 * Public API (window.storeplan), used by the desktop app through QWebChannel:
 *   showLayer(id, visible), setOpacity(id, x)      layer ids as in the spec ("hex:residents", "outlets"...)
 *   select(kind, id) -> bool                        highlight and pan: kind "outlet", "site", "district",
 *                                                   "cell" (hex id), "route" ("rep|day" or "rep"), "rep"
 *   showRoutes(rep or null, day or null)            filter the routes layer
 *   fitTo([[south, west], [north, east]])           WGS-84, shifted like the layers
 *   onSelect(kind, id)                              called on clicks with the same kinds; by default it
 *                                                   forwards to the QWebChannel object "bridge" if any
 * Test hooks: drawn (true once every visible layer has drawn), error, stats, map,
 * toContainerPoint(lat, lng) (WGS-84 in, container pixels out), toGcj(lon, lat).
 */
(function () {
  'use strict';

  var sp = window.storeplan = window.storeplan || {};
  sp.drawn = false;
  sp.stats = {};
  sp.bridge = null;

  var PI = Math.PI;
  var MAX_VERTS = 10;
  // Skia fills one path of many shapes in more than linear time (50 k hexagons: 7 s); paths of a
  // few hundred shapes each keep it linear.
  var BATCH = 256;

  // ------------------------------------------------------------------------------------------
  // small utilities

  function el(tag, className, text, parent) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (parent) { parent.appendChild(node); }
    return node;
  }

  function esc(text) {
    return String(text === undefined || text === null ? '' : text)
      .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;').replace(/'/g, '&#39;');
  }

  function fill(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (m, key) {
      return values[key] === undefined ? m : String(values[key]);
    });
  }

  var numberFormats = {};
  function fmtNumber(value, digits) {
    var key = String(digits);
    if (!numberFormats[key]) {
      numberFormats[key] = new Intl.NumberFormat(sp.lang === 'en' ? 'en-US' : 'zh-CN',
        { minimumFractionDigits: digits, maximumFractionDigits: digits });
    }
    return numberFormats[key].format(value);
  }

  function classIndex(chars) {
    var out = new Int8Array(chars.length);
    for (var i = 0; i < chars.length; i++) {
      var c = chars.charCodeAt(i);
      out[i] = c === 46 ? -1 : (c <= 57 ? c - 48 : c - 87);  // '.', '0'-'9', 'a'-'z'
    }
    return out;
  }

  function svgNode(tag, attrs, parent) {
    var node = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (var k in attrs) { if (Object.prototype.hasOwnProperty.call(attrs, k)) { node.setAttribute(k, attrs[k]); } }
    if (parent) { parent.appendChild(node); }
    return node;
  }

  // ------------------------------------------------------------------------------------------
  // GCJ-02: the published WGS-84 -> GCJ-02 offset (same formula as gis/coords.py), used to draw
  // H3 cells (which are WGS-84 by definition) over AMap/Tencent tiles. Every vertex is shifted.

  var GCJ_A = 6378245.0, GCJ_EE = 0.00669342162296594323;

  function outOfChina(lon, lat) {
    return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271;
  }

  function toGcj(lon, lat) {
    if (outOfChina(lon, lat)) { return [lon, lat]; }
    var x = lon - 105.0, y = lat - 35.0, sq = Math.sqrt(Math.abs(x));
    var dLat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sq +
      (20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0 / 3.0 +
      (20.0 * Math.sin(y * PI) + 40.0 * Math.sin(y / 3.0 * PI)) * 2.0 / 3.0 +
      (160.0 * Math.sin(y / 12.0 * PI) + 320.0 * Math.sin(y * PI / 30.0)) * 2.0 / 3.0;
    var dLon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sq +
      (20.0 * Math.sin(6.0 * x * PI) + 20.0 * Math.sin(2.0 * x * PI)) * 2.0 / 3.0 +
      (20.0 * Math.sin(x * PI) + 40.0 * Math.sin(x / 3.0 * PI)) * 2.0 / 3.0 +
      (150.0 * Math.sin(x / 12.0 * PI) + 300.0 * Math.sin(x / 30.0 * PI)) * 2.0 / 3.0;
    var radLat = lat / 180.0 * PI, magic = 1.0 - GCJ_EE * Math.sin(radLat) * Math.sin(radLat);
    var sqrtMagic = Math.sqrt(magic);
    dLat = (dLat * 180.0) / ((GCJ_A * (1.0 - GCJ_EE)) / (magic * sqrtMagic) * PI);
    dLon = (dLon * 180.0) / (GCJ_A / sqrtMagic * Math.cos(radLat) * PI);
    return [lon + dLon, lat + dLat];
  }

  function fromGcj(lon, lat) {  // fixed-point inverse, millimetre-exact after a few steps
    var x = lon, y = lat;
    for (var i = 0; i < 5; i++) {
      var f = toGcj(x, y);
      x -= f[0] - lon; y -= f[1] - lat;
    }
    return [x, y];
  }
  sp.toGcj = toGcj;

  // WGS-84 (what the app speaks) -> the map's drawing system, and back.
  function toMap(lat, lng) {
    if (!sp.shifted) { return [lat, lng]; }
    var g = toGcj(lng, lat);
    return [g[1], g[0]];
  }
  function fromMap(lat, lng) {
    if (!sp.shifted) { return [lat, lng]; }
    var w = fromGcj(lng, lat);
    return [w[1], w[0]];
  }

  // Zoom-0 pixel coordinates of EPSG:3857 (a 256 px world): pixel at zoom z = value * 2^z.
  var MAX_LAT = 85.0511287798;
  function projX(lng) { return (lng + 180.0) / 360.0 * 256.0; }
  function projY(lat) {
    var s = Math.sin(Math.max(-MAX_LAT, Math.min(MAX_LAT, lat)) * PI / 180.0);
    return (0.5 - Math.log((1 + s) / (1 - s)) / (4 * PI)) * 256.0;
  }

  // ------------------------------------------------------------------------------------------
  // a canvas covering the view (plus padding), redrawn on moveend, scaled during zoom animation

  var CanvasLayer = L.Layer.extend({
    options: { pane: 'sp-hex', padding: 0.15, opacity: 1 },

    onAdd: function (map) {
      if (!this._canvas) {
        this._canvas = el('canvas', 'sp-canvas leaflet-zoom-animated');
        this._ctx = this._canvas.getContext('2d');
      }
      this._canvas.style.opacity = this.options.opacity;
      this.getPane().appendChild(this._canvas);
      this._reset();
    },

    onRemove: function () {
      L.DomUtil.remove(this._canvas);
    },

    getEvents: function () {
      var events = { moveend: this._reset, viewreset: this._reset };
      if (this._map && this._map._zoomAnimated) { events.zoomanim = this._animateZoom; }
      return events;
    },

    setOpacity: function (x) {
      this.options.opacity = x;
      if (this._canvas) { this._canvas.style.opacity = x; }
    },

    redraw: function () { if (this._map) { this._reset(); } },

    _reset: function () {
      var map = this._map, pad = this.options.padding;
      var size = map.getSize();
      var min = map.containerPointToLayerPoint(size.multiplyBy(-pad)).round();
      var full = size.multiplyBy(1 + 2 * pad).round();
      var dpr = window.devicePixelRatio || 1;
      var canvas = this._canvas;
      L.DomUtil.setTransform(canvas, min, 1);
      canvas.width = Math.round(full.x * dpr);
      canvas.height = Math.round(full.y * dpr);
      canvas.style.width = full.x + 'px';
      canvas.style.height = full.y + 'px';
      this._bounds = L.latLngBounds(map.layerPointToLatLng(min), map.layerPointToLatLng(min.add(full)));
      var origin = map.getPixelOrigin().add(min);
      var ctx = this._ctx;
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, full.x, full.y);
      var t0 = performance.now();
      this._draw(ctx, { scale: Math.pow(2, map.getZoom()), ox: origin.x, oy: origin.y, w: full.x, h: full.y,
                        zoom: map.getZoom(), originLayer: min });
      this.lastDrawMs = performance.now() - t0;
    },

    _animateZoom: function (e) {
      var map = this._map;
      var scale = map.getZoomScale(e.zoom);
      var offset = map._latLngBoundsToNewLayerBounds(this._bounds, e.zoom, e.center).min;
      L.DomUtil.setTransform(this._canvas, offset, scale);
    }
  });

  // ------------------------------------------------------------------------------------------
  // H3 grids: ids rebuilt from prefix + middle + suffix, centres projected once, boundaries lazily

  function decodeInt32(b64) {
    var bin = atob(b64), n = bin.length, bytes = new Uint8Array(n);
    for (var i = 0; i < n; i++) { bytes[i] = bin.charCodeAt(i); }
    return new Int32Array(bytes.buffer);  // little-endian, as every browser platform is
  }

  function Grid(spec) {
    var n = spec.cells.length;
    this.n = n;
    this.res = spec.res;
    this.spec = spec;
    this.cx = new Float64Array(n);
    this.cy = new Float64Array(n);
    var xy = decodeInt32(spec.xy || '');
    for (var i = 0; i < n; i++) {
      var lat = spec.y0 + xy[2 * i] / 1e6, lng = spec.x0 + xy[2 * i + 1] / 1e6;
      if (sp.shifted) { var g = toGcj(lng, lat); lng = g[0]; lat = g[1]; }
      this.cx[i] = projX(lng);
      this.cy[i] = projY(lat);
    }
    this.radius = 0;  // zoom-0 pixels from centre to the farthest vertex (largest seen)
    if (n) {
      var b = this.boundary(0);
      var cnt = this.count[0];
      for (var k = 0; k < cnt; k++) {
        this.radius = Math.max(this.radius, Math.hypot(b[2 * k], b[2 * k + 1]));
      }
      this.radius *= 1.05;
    }
    this.index = null;
  }

  Grid.prototype.id = function (i) {
    return this.spec.pre + this.spec.cells[i] + this.spec.suf;
  };

  Grid.prototype.boundary = function (i) {
    if (!this.verts) {
      this.verts = new Float32Array(this.n * 2 * MAX_VERTS);
      this.count = new Uint8Array(this.n);
    }
    var base = i * 2 * MAX_VERTS;
    if (this.count[i] === 0) {
      var ring = h3.cellToBoundary(this.id(i));
      var centre = h3.cellToLatLng(this.id(i));
      var c0 = centre[1], c1 = centre[0];
      if (sp.shifted) { var gc = toGcj(c0, c1); c0 = gc[0]; c1 = gc[1]; }
      var ox = projX(c0), oy = projY(c1);
      var m = Math.min(ring.length, MAX_VERTS);
      for (var k = 0; k < m; k++) {
        var lat = ring[k][0], lng = ring[k][1];
        if (sp.shifted) { var g = toGcj(lng, lat); lng = g[0]; lat = g[1]; }
        this.verts[base + 2 * k] = projX(lng) - ox;
        this.verts[base + 2 * k + 1] = projY(lat) - oy;
      }
      this.count[i] = m;
    }
    return this.verts.subarray(base, base + 2 * MAX_VERTS);
  };

  Grid.prototype.find = function (id) {
    if (!this.index) {
      this.index = new Map();
      for (var i = 0; i < this.n; i++) { this.index.set(this.id(i), i); }
    }
    var i2 = this.index.get(id);
    return i2 === undefined ? -1 : i2;
  };

  var HexLayer = CanvasLayer.extend({
    initialize: function (spec, grid) {
      this.spec = spec;
      this.grid = grid;
      this.cls = classIndex(spec.cls);
      this.options = L.extend({}, this.options, { pane: 'sp-hex', opacity: spec.opacity });
    },

    _draw: function (ctx, v) {
      var g = this.grid, cls = this.cls, colors = this.spec.colors, k = colors.length;
      var s = v.scale, r = g.radius * s;
      var x0 = v.ox / s - g.radius, x1 = (v.ox + v.w) / s + g.radius;
      var y0 = v.oy / s - g.radius, y1 = (v.oy + v.h) / s + g.radius;
      var buckets = [], i, c;
      for (c = 0; c < k; c++) { buckets.push([]); }
      var cx = g.cx, cy = g.cy, n = g.n;
      for (i = 0; i < n; i++) {
        c = cls[i];
        if (c < 0) { continue; }
        var x = cx[i], y = cy[i];
        if (x < x0 || x > x1 || y < y0 || y > y1) { continue; }
        buckets[c].push(i);
      }
      var shown = 0;
      for (c = 0; c < k; c++) {
        var list = buckets[c];
        if (!list.length) { continue; }
        shown += list.length;
        ctx.fillStyle = colors[c];
        if (r < 3) {
          // simplified: a cell a few pixels across is drawn as a pixel-aligned square of the same
          // footprint (aligned squares leave no anti-aliasing speckles between neighbours)
          var side = Math.max(1, Math.ceil(1.8 * r)), half = side / 2;
          drawBatched(ctx, list, function (p) {
            ctx.rect(Math.round(cx[p] * s - v.ox - half), Math.round(cy[p] * s - v.oy - half), side, side);
          }, true, false);
        } else {
          // each cell grown by ~0.4 px so anti-aliased edges of neighbours overlap instead of
          // leaving hairline seams (a stroke would do the same at many times the cost)
          var grow = s * (1 + 0.4 / r);
          drawBatched(ctx, list, function (p) {
            var b = g.boundary(p), m = g.count[p];
            var px = cx[p] * s - v.ox, py = cy[p] * s - v.oy;
            ctx.moveTo(px + b[0] * grow, py + b[1] * grow);
            for (var q = 1; q < m; q++) { ctx.lineTo(px + b[2 * q] * grow, py + b[2 * q + 1] * grow); }
            ctx.closePath();
          }, true, false);
        }
      }
      this.shown = shown;
    },

    valueAt: function (latlng) {
      var w = fromMap(latlng.lat, latlng.lng);
      var id = h3.latLngToCell(w[0], w[1], this.grid.res);
      var i = this.grid.find(id);
      if (i < 0 || this.cls[i] < 0) { return null; }
      return { id: id, index: i, cls: this.cls[i] };
    }
  });

  // ------------------------------------------------------------------------------------------
  // points: outlets, expansion highlights, sites

  function drawStar(ctx, x, y, r) {
    for (var k = 0; k < 10; k++) {
      var a = -PI / 2 + k * PI / 5, rr = k % 2 === 0 ? r : r * 0.45;
      if (k === 0) { ctx.moveTo(x + rr * Math.cos(a), y + rr * Math.sin(a)); } else { ctx.lineTo(x + rr * Math.cos(a), y + rr * Math.sin(a)); }
    }
    ctx.closePath();
  }

  function drawDiamond(ctx, x, y, r) {
    ctx.moveTo(x, y - r); ctx.lineTo(x + r, y); ctx.lineTo(x, y + r); ctx.lineTo(x - r, y); ctx.closePath();
  }

  // Paint the shapes of ``items`` (added to the path by ``add``) BATCH at a time.
  function drawBatched(ctx, items, add, fill, stroke) {
    for (var start = 0; start < items.length; start += BATCH) {
      var end = Math.min(items.length, start + BATCH);
      ctx.beginPath();
      for (var k = start; k < end; k++) { add(items[k]); }
      if (fill) { ctx.fill(); }
      if (stroke) { ctx.stroke(); }
    }
  }

  var PointLayer = CanvasLayer.extend({
    initialize: function (spec) {
      this.spec = spec;
      this.options = L.extend({}, this.options, { pane: 'sp-points' });
      var n = spec.lat.length;
      this.n = n;
      this.px = new Float64Array(n);
      this.py = new Float64Array(n);
      this.lat = new Float64Array(n);
      this.lng = new Float64Array(n);
      for (var i = 0; i < n; i++) {
        var lat = spec.y0 + spec.lat[i] / 1e6, lng = spec.x0 + spec.lon[i] / 1e6;
        this.lat[i] = lat; this.lng[i] = lng;
        this.px[i] = projX(lng); this.py[i] = projY(lat);
      }
      this.cls = classIndex(spec.cls);
      this.hollow = spec.hollow ? classIndex(spec.hollow) : null;
      this.visibleIdx = new Int32Array(0);
      this.index = null;
    },

    radiusAt: function (zoom) {
      var base = this.spec.radius;
      if (this.spec.symbol === 'site') { return zoom < 11 ? base : base + 2; }
      var f = Math.max(0.45, Math.min(1.25, 0.45 + (zoom - 9) * 0.16));
      return base * f;
    },

    _draw: function (ctx, v) {
      var s = v.scale, r = this.radiusAt(v.zoom), margin = (r + 6) / s;
      var x0 = v.ox / s - margin, x1 = (v.ox + v.w) / s + margin;
      var y0 = v.oy / s - margin, y1 = (v.oy + v.h) / s + margin;
      var vis = [], i;
      for (i = 0; i < this.n; i++) {
        var x = this.px[i], y = this.py[i];
        if (x >= x0 && x <= x1 && y >= y0 && y <= y1) { vis.push(i); }
      }
      this.visibleIdx = Int32Array.from(vis);
      this._lastView = v;
      this._lastRadius = r;
      var symbol = this.spec.symbol;
      if (symbol === 'halo') { this._drawHalo(ctx, v, vis, r); } else if (symbol === 'site') { this._drawSites(ctx, v, vis, r); } else { this._drawDots(ctx, v, vis, r); }
    },

    _drawDots: function (ctx, v, vis, r) {
      var colors = this.spec.colors, cls = this.cls, hollow = this.hollow, s = v.scale;
      var px = this.px, py = this.py;
      var small = r < 1.5 || vis.length > 40000;
      var groups = [[], []], c, j;
      for (c = 0; c < colors.length; c++) { groups[0].push([]); groups[1].push([]); }
      for (j = 0; j < vis.length; j++) {
        var i = vis[j];
        groups[hollow && hollow[i] === 1 ? 0 : 1][cls[i]].push(i);
      }
      var add = function (i) {
        var x = px[i] * s - v.ox, y = py[i] * s - v.oy;
        if (small) { ctx.rect(x - r, y - r, 2 * r, 2 * r); } else { ctx.moveTo(x + r, y); ctx.arc(x, y, r, 0, 2 * PI); }
      };
      for (var pass = 0; pass < 2; pass++) {  // prospects (rings) first, covered (filled) on top
        for (c = 0; c < colors.length; c++) {
          var list = groups[pass][c];
          if (!list.length) { continue; }
          if (pass === 0) {
            ctx.fillStyle = 'rgba(255,255,255,0.85)';
            ctx.strokeStyle = colors[c];
            ctx.lineWidth = Math.max(1, r * 0.45);
            drawBatched(ctx, list, add, true, true);
          } else {
            ctx.fillStyle = colors[c];
            ctx.strokeStyle = 'rgba(255,255,255,0.9)';
            ctx.lineWidth = 0.8;
            drawBatched(ctx, list, add, true, !small);
          }
        }
      }
    },

    _drawHalo: function (ctx, v, vis, r) {
      var s = v.scale, color = this.spec.colors[0], px = this.px, py = this.py;
      var add = function (i) {
        var x = px[i] * s - v.ox, y = py[i] * s - v.oy;
        ctx.moveTo(x + r, y);
        ctx.arc(x, y, r, 0, 2 * PI);
      };
      ctx.lineWidth = 4.5;
      ctx.strokeStyle = 'rgba(255,255,255,0.9)';
      drawBatched(ctx, vis, add, false, true);
      ctx.lineWidth = 2.5;
      ctx.strokeStyle = color;
      drawBatched(ctx, vis, add, false, true);
      if (v.zoom >= 13 && this.spec.ranks) {
        ctx.font = 'bold 11px ' + FONT_STACK;
        ctx.textAlign = 'left';
        ctx.textBaseline = 'middle';
        ctx.lineWidth = 3;
        ctx.strokeStyle = 'white';
        ctx.fillStyle = '#7a4a00';
        for (var k = 0; k < vis.length; k++) {
          var q = vis[k], rank = this.spec.ranks[q];
          if (rank === null || rank === undefined) { continue; }
          var tx = px[q] * s - v.ox + r + 2, ty = py[q] * s - v.oy - r;
          ctx.strokeText(String(rank), tx, ty);
          ctx.fillText(String(rank), tx, ty);
        }
      }
    },

    _drawSites: function (ctx, v, vis, r) {
      var s = v.scale, colors = this.spec.colors, px = this.px, py = this.py, cls = this.cls;
      for (var c = 0; c < 2; c++) {
        var list = [];
        for (var j = 0; j < vis.length; j++) { if (cls[vis[j]] === c) { list.push(vis[j]); } }
        ctx.fillStyle = colors[c];
        ctx.lineWidth = c === 1 ? 1.5 : 1;
        ctx.strokeStyle = 'white';
        drawBatched(ctx, list, function (i) {
          var x = px[i] * s - v.ox, y = py[i] * s - v.oy;
          if (c === 1) { drawStar(ctx, x, y, r * 1.6); } else { drawDiamond(ctx, x, y, r * 0.85); }
        }, true, true);
      }
    },

    hit: function (containerPoint) {
      var v = this._lastView;
      if (!v || !this._map) { return -1; }
      var layerPt = this._map.containerPointToLayerPoint(containerPoint);
      var x = layerPt.x - v.originLayer.x, y = layerPt.y - v.originLayer.y;
      var best = -1, bestD = Math.pow(Math.max(this._lastRadius * (this.spec.symbol === 'site' ? 1.6 : 1), 3) + 4, 2);
      var s = v.scale, vis = this.visibleIdx;
      for (var j = vis.length - 1; j >= 0; j--) {
        var i = vis[j];
        var dx = this.px[i] * s - v.ox - x, dy = this.py[i] * s - v.oy - y, d = dx * dx + dy * dy;
        if (d < bestD) { bestD = d; best = i; }
      }
      return best;
    },

    find: function (id) {
      if (!this.index) {
        this.index = new Map();
        for (var i = 0; i < this.n; i++) { this.index.set(String(this.spec.ids[i]), i); }
      }
      var i2 = this.index.get(String(id));
      return i2 === undefined ? -1 : i2;
    }
  });

  // ------------------------------------------------------------------------------------------
  // popups (DOM only)

  function fieldText(field, i) {
    var v = field.v[i];
    if (v === null || v === undefined) { return null; }
    if (field.t === 'n') { return fmtNumber(v, field.d); }
    if (field.t === 'c') { return v < 0 ? null : field.c[v]; }
    return String(v);
  }

  function popupBox(title, subtitle, rows) {
    var box = el('div', 'sp-popup');
    el('div', 'sp-popup-title', title, box);
    if (subtitle) { el('div', 'sp-popup-sub', subtitle, box); }
    if (rows.length) {
      var table = el('table', 'sp-popup-table', null, box);
      rows.forEach(function (row) {
        if (row[1] === null || row[1] === undefined || row[1] === '') { return; }
        var tr = el('tr', null, null, table);
        el('th', null, row[0], tr);
        el('td', null, row[1], tr);
      });
    }
    return box;
  }

  function pointPopup(layer, i) {
    var spec = layer.spec, t = sp.text;
    var title = (spec.names && spec.names[i]) || spec.ids[i];
    var rows = [];
    if (spec.symbol === 'site') { rows.push([spec.title, layer.cls[i] === 1 ? t.chosen : t.candidate]); }
    if (spec.symbol === 'halo' && spec.ranks && spec.ranks[i] !== null) { rows.push([t.rank, fmtNumber(spec.ranks[i], 0)]); }
    spec.fields.forEach(function (f) {
      if (spec.symbol === 'halo' && f.l === t.rank) { return; }
      rows.push([f.l, fieldText(f, i)]);
    });
    return popupBox(title, spec.title, rows);
  }

  // ------------------------------------------------------------------------------------------
  // vector layers

  var FONT_STACK = '"Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif';

  function districtLayer(spec) {
    var group = L.layerGroup();
    var features = spec.features.map(function (f, i) {
      return { type: 'Feature', geometry: f.geom, properties: { i: i } };
    });
    var geo = L.geoJSON({ type: 'FeatureCollection', features: features }, {
      pane: 'sp-districts',
      style: function (feature) {
        var f = spec.features[feature.properties.i];
        if (spec.fill) {
          var color = f.c >= 0 ? spec.colors[f.c] : '#d9d9d9';
          return { color: '#ffffff', weight: 1.2, opacity: 1, fillColor: color, fillOpacity: spec.opacity,
                   className: 'sp-district' };
        }
        return { color: '#4a5568', weight: 1.3, opacity: 0.9, fill: true, fillOpacity: 0,
                 className: 'sp-district sp-district-outline' };
      },
      onEachFeature: function (feature, lyr) {
        lyr.on('click', function () { sp._pendingDistrict = { layer: spec, i: feature.properties.i }; });
      }
    });
    group.addLayer(geo);
    var labels = L.layerGroup();
    if (spec.labels) {
      spec.features.forEach(function (f) {
        if (!f.name) { return; }
        var node = el('span', 'sp-label-text', f.name);
        node._area = f.area || 0;
        labels.addLayer(L.marker(f.at, {
          pane: 'sp-labels', interactive: false, keyboard: false,
          icon: L.divIcon({ className: 'sp-label', html: node, iconSize: null })
        }));
      });
    }
    group.addLayer(labels);
    group._labels = labels;
    group._geo = geo;
    group._spec = spec;
    return group;
  }

  // Hide district labels that would overlap a label of a larger district.
  function declutterLabels() {
    var placed = [];
    var nodes = Array.prototype.slice.call(document.querySelectorAll('.sp-label-text'));
    nodes.sort(function (a, b) { return (b._area || 0) - (a._area || 0); });
    nodes.forEach(function (node) { node.style.visibility = ''; });
    nodes.forEach(function (node) {
      var r = node.getBoundingClientRect();
      if (!r.width) { return; }
      var clash = placed.some(function (q) {
        return r.left < q.right + 2 && r.right > q.left - 2 && r.top < q.bottom + 1 && r.bottom > q.top - 1;
      });
      if (clash) { node.style.visibility = 'hidden'; } else { placed.push(r); }
    });
  }

  function districtRows(spec, i) {
    return spec.fields.map(function (f) {
      var text = fieldText(f, i);
      return [f.l, text === null ? null : text + (spec.unit && f.t === 'n' ? ' ' + spec.unit : '')];
    });
  }

  function tradeAreaLayer(spec) {
    var color = spec.colors[1];
    return L.geoJSON({ type: 'FeatureCollection', features: spec.areas.map(function (a) {
      return { type: 'Feature', geometry: a.geom, properties: {} };
    }) }, {
      pane: 'sp-areas', interactive: false,
      style: function () { return { color: color, weight: 2, dashArray: '6 4', fillColor: color, fillOpacity: 0.1 }; }
    });
  }

  function homeIcon(color) {
    var svg = svgNode('svg', { width: 22, height: 22, viewBox: '0 0 22 22', 'class': 'sp-home-svg' });
    svgNode('path', { d: 'M11 2 L20 10 L17 10 L17 19 L5 19 L5 10 L2 10 Z', fill: color, stroke: 'white',
                      'stroke-width': 1.6, 'stroke-linejoin': 'round' }, svg);
    svgNode('rect', { x: 9, y: 13, width: 4, height: 6, fill: 'white' }, svg);
    return L.divIcon({ className: 'sp-home', html: svg, iconSize: [22, 22], iconAnchor: [11, 12] });
  }

  function routeLayer(spec) {
    var t = sp.text, group = L.layerGroup();
    var parts = [];
    spec.routes.forEach(function (route, ri) {
      var rep = spec.reps[route.r];
      var stops = route.lat.map(function (lat, k) { return [lat, route.lon[k]]; });
      var sub = L.layerGroup();
      var label = fill(t.route_of, { rep: rep.name, day: route.day });
      var onLine = function () { sp._pendingRoute = { spec: spec, i: ri }; };
      if (rep.home && stops.length) {
        var back = rep.end || rep.home;
        sub.addLayer(L.polyline([rep.home, stops[0]], { color: rep.color, weight: 2, opacity: 0.7, dashArray: '4 5' }).on('click', onLine));
        sub.addLayer(L.polyline([stops[stops.length - 1], back], { color: rep.color, weight: 2, opacity: 0.7, dashArray: '4 5' }).on('click', onLine));
      }
      var halo = L.polyline(stops, { color: '#ffffff', weight: 6, opacity: 0.8, interactive: false });
      sub.addLayer(halo);
      sub.addLayer(L.polyline(stops, { color: rep.color, weight: 3, opacity: 0.95 }).on('click', onLine));
      sub._stops = null;  // numbered stop markers, made when few enough routes are on show
      sub._makeStops = function () {
        var stopGroup = L.layerGroup();
        stops.forEach(function (pt, k) {
          var node = el('div', 'sp-stop-num', k + 1);
          node.style.borderColor = rep.color;
          node.style.color = rep.color;
          var marker = L.marker(pt, { icon: L.divIcon({ className: 'sp-stop', html: node, iconSize: [18, 18] }),
                                      keyboard: false, riseOnHover: true });
          marker.on('click', function () {
            var rows = [[t.rep, rep.name], [t.day, route.day]];
            if (route.ids) { rows.push([sp.fieldLabels.outlet_id || 'ID', route.ids[k]]); }
            var title = (route.names && route.names[k]) || (route.ids && route.ids[k]) || fill(t.stop, { n: k + 1 });
            L.popup().setLatLng(pt).setContent(popupBox(title, fill(t.stop, { n: k + 1 }), rows)).openOn(sp.map);
            if (route.ids) { sp.onSelect('outlet', route.ids[k]); }
          });
          stopGroup.addLayer(marker);
        });
        return stopGroup;
      };
      sub._label = label;
      sub._route = route;
      sub._bounds = L.latLngBounds(stops.concat(rep.home ? [rep.home] : []));
      parts.push(sub);
      group.addLayer(sub);
    });
    spec.reps.forEach(function (rep) {
      if (!rep.home) { return; }
      var m = L.marker(rep.home, { icon: homeIcon(rep.color), keyboard: false, zIndexOffset: 500 });
      m.on('click', function () {
        L.popup().setLatLng(rep.home).setContent(popupBox(rep.name, t.home, [[t.rep, rep.id]])).openOn(sp.map);
        sp.onSelect('rep', rep.id);
      });
      group.addLayer(m);
    });
    group._parts = parts;
    group._spec = spec;
    numberStops(group);
    return group;
  }

  // Stop numbers help on one rep's week or one day's routes; on a whole plan they are thousands of
  // markers that hide each other and slow the map down, so they show only below this many routes.
  sp.numberedRoutesMax = 30;

  function numberStops(group) {
    if (!group._spec.numbered) { return; }
    var shown = group._parts.filter(function (sub) { return group.hasLayer(sub); });
    var on = shown.length <= sp.numberedRoutesMax;
    group._parts.forEach(function (sub) {
      var want = on && group.hasLayer(sub);
      if (want && !sub._stops) { sub._stops = sub._makeStops(); }
      if (!sub._stops) { return; }
      if (want && !sub.hasLayer(sub._stops)) { sub.addLayer(sub._stops); }
      if (!want && sub.hasLayer(sub._stops)) { sub.removeLayer(sub._stops); }
    });
  }

  // ------------------------------------------------------------------------------------------
  // controls

  var TitleControl = L.Control.extend({
    options: { position: 'topleft' },
    onAdd: function () {
      var box = el('div', 'sp-title leaflet-control');
      el('div', 'sp-title-main', sp.data.title, box);
      if (sp.data.subtitle) { el('div', 'sp-title-sub', sp.data.subtitle, box); }
      L.DomEvent.disableClickPropagation(box);
      return box;
    }
  });

  var NorthArrow = L.Control.extend({
    options: { position: 'topright' },
    onAdd: function () {
      var box = el('div', 'sp-north leaflet-control');
      var svg = svgNode('svg', { width: 30, height: 40, viewBox: '0 0 30 40' }, box);
      svgNode('path', { d: 'M15 3 L24 30 L15 24 Z', fill: '#2d3748' }, svg);
      svgNode('path', { d: 'M15 3 L6 30 L15 24 Z', fill: '#ffffff', stroke: '#2d3748', 'stroke-width': 1.2, 'stroke-linejoin': 'round' }, svg);
      var label = svgNode('text', { x: 15, y: 39, 'text-anchor': 'middle', 'font-size': 10, 'font-weight': 'bold', fill: '#2d3748' }, svg);
      label.textContent = sp.text.north;
      return box;
    }
  });

  var SourceNote = L.Control.extend({
    options: { position: 'bottomright' },
    onAdd: function () {
      var parts = [];
      if (sp.data.source) { parts.push(sp.text.source_label + sp.data.source); }
      if (sp.data.date) { parts.push(sp.data.date); }
      return el('div', 'sp-source leaflet-control', parts.join(' · '));
    }
  });

  function swatch(parent, kind, color) {
    var svg = svgNode('svg', { width: 18, height: 14, viewBox: '0 0 18 14', 'class': 'sp-swatch' }, parent);
    if (kind === 'box') {
      svgNode('rect', { x: 1, y: 1, width: 16, height: 12, rx: 2, fill: color, stroke: 'rgba(0,0,0,0.15)' }, svg);
    } else if (kind === 'dot') {
      svgNode('circle', { cx: 9, cy: 7, r: 5, fill: color, stroke: 'white', 'stroke-width': 1 }, svg);
    } else if (kind === 'ring') {
      svgNode('circle', { cx: 9, cy: 7, r: 4.5, fill: 'white', stroke: color, 'stroke-width': 2 }, svg);
    } else if (kind === 'halo') {
      svgNode('circle', { cx: 9, cy: 7, r: 5, fill: 'none', stroke: color, 'stroke-width': 2.5 }, svg);
    } else if (kind === 'line') {
      svgNode('line', { x1: 1, y1: 7, x2: 17, y2: 7, stroke: color, 'stroke-width': 3, 'stroke-linecap': 'round' }, svg);
    } else if (kind === 'area') {
      svgNode('rect', { x: 1.5, y: 1.5, width: 15, height: 11, fill: color, 'fill-opacity': 0.12, stroke: color,
                        'stroke-width': 1.5, 'stroke-dasharray': '3 2' }, svg);
    } else if (kind === 'star') {
      var pts = [];
      for (var k = 0; k < 10; k++) {
        var a = -PI / 2 + k * PI / 5, rr = k % 2 === 0 ? 6.5 : 2.9;
        pts.push((9 + rr * Math.cos(a)).toFixed(2) + ',' + (7.5 + rr * Math.sin(a)).toFixed(2));
      }
      svgNode('polygon', { points: pts.join(' '), fill: color, stroke: 'white', 'stroke-width': 0.8 }, svg);
    } else if (kind === 'diamond') {
      svgNode('polygon', { points: '9,1.5 14.5,7 9,12.5 3.5,7', fill: color, stroke: 'white', 'stroke-width': 0.8 }, svg);
    }
  }

  var Legend = L.Control.extend({
    options: { position: 'bottomright' },
    onAdd: function () {
      this._box = el('div', 'sp-legend leaflet-control');
      L.DomEvent.disableClickPropagation(this._box);
      L.DomEvent.disableScrollPropagation(this._box);
      this.update();
      return this._box;
    },
    update: function () {
      var box = this._box, t = sp.text;
      if (!box) { return; }
      box.textContent = '';
      el('div', 'sp-legend-title', t.legend, box);
      var any = false;
      sp.order.slice().reverse().forEach(function (id) {
        var entry = sp.layers[id];
        if (!entry || !sp.map.hasLayer(entry.layer)) { return; }
        var spec = entry.spec, items = spec.legend || [];
        if (!items.length) { return; }
        any = true;
        var section = el('div', 'sp-legend-section', null, box);
        el('div', 'sp-legend-head', spec.title + (spec.unit ? ' (' + spec.unit + ')' : ''), section);
        var kind = spec.kind === 'hex' || spec.kind === 'districts' ? 'box' : spec.kind === 'routes' ? 'line'
          : spec.symbol === 'halo' ? 'halo' : 'dot';
        var limit = spec.kind === 'routes' ? 8 : 14;
        items.slice(0, limit).forEach(function (item) {
          var row = el('div', 'sp-legend-row', null, section);
          swatch(row, item.symbol || kind, item.color);
          el('span', 'sp-legend-label', item.label, row);
          if (item.count !== undefined && spec.kind !== 'routes') { el('span', 'sp-legend-count', fmtNumber(item.count, 0), row); }
        });
        if (items.length > limit) { el('div', 'sp-legend-more', fill(t.more, { n: items.length - limit }), section); }
        if (spec.hollow) {
          var r1 = el('div', 'sp-legend-row sp-legend-note', null, section);
          swatch(r1, 'dot', '#718096'); el('span', 'sp-legend-label', t.covered, r1);
          var r2 = el('div', 'sp-legend-row sp-legend-note', null, section);
          swatch(r2, 'ring', '#718096'); el('span', 'sp-legend-label', t.prospect, r2);
        }
        if (spec.kind === 'routes') { routeFilter(section, spec, entry.layer); }
      });
      box.style.display = any ? '' : 'none';
    }
  });

  function routeFilter(section, spec, group) {
    var days = [];
    spec.routes.forEach(function (r) { if (days.indexOf(r.day) < 0) { days.push(r.day); } });
    if (days.length < 2) { return; }
    var row = el('div', 'sp-legend-row', null, section);
    el('span', 'sp-legend-label', sp.text.day, row);
    var select = el('select', 'sp-route-day', null, row);
    var all = el('option', null, '—', select);
    all.value = '';
    days.forEach(function (d) { var o = el('option', null, d, select); o.value = d; });
    select.value = sp._routeDay || '';
    select.addEventListener('change', function () { sp.showRoutes(null, select.value || null); });
  }

  // ------------------------------------------------------------------------------------------
  // clicks

  function onMapClick(e) {
    var map = sp.map;
    var hits = [];
    for (var k = sp.order.length - 1; k >= 0; k--) {
      var entry = sp.layers[sp.order[k]];
      if (!entry.points || !map.hasLayer(entry.layer)) { continue; }
      var i = entry.points.hit(e.containerPoint);
      if (i >= 0) { hits.push([entry, i]); break; }
    }
    var district = sp._pendingDistrict, route = sp._pendingRoute;
    sp._pendingDistrict = null;
    sp._pendingRoute = null;
    if (hits.length) {
      var hitEntry = hits[0][0], idx = hits[0][1], pl = hitEntry.points;
      L.popup({ offset: [0, -4] }).setLatLng([pl.lat[idx], pl.lng[idx]]).setContent(pointPopup(pl, idx)).openOn(map);
      sp.onSelect(hitEntry.spec.select, pl.spec.ids[idx]);
      return;
    }
    if (route) {
      var r = route.spec.routes[route.i], rep = route.spec.reps[r.r];
      L.popup().setLatLng(e.latlng).setContent(popupBox(fill(sp.text.route_of, { rep: rep.name, day: r.day }), route.spec.title,
        [[sp.text.rep, rep.id], [sp.text.day, r.day], [sp.text.stops, fmtNumber(r.lat.length, 0)]])).openOn(map);
      sp.onSelect('route', rep.id + '|' + r.day);
      return;
    }
    var box = null, selected = null;
    for (var h = sp.order.length - 1; h >= 0; h--) {
      var he = sp.layers[sp.order[h]];
      if (he.spec.kind !== 'hex' || !map.hasLayer(he.layer)) { continue; }
      var cell = he.layer.valueAt(e.latlng);
      if (!cell) { continue; }
      var item = he.spec.legend[cell.cls];
      box = popupBox(he.spec.title + (he.spec.unit ? ' (' + he.spec.unit + ')' : ''), sp.text.cell + ' ' + cell.id,
        [[sp.text['class'], item ? item.label : null]]);
      selected = ['cell', cell.id];
      break;
    }
    if (district) {
      var f = district.layer.features[district.i];
      var dbox = popupBox(f.name || f.id, district.layer.title, districtRows(district.layer, district.i));
      if (box) { box.appendChild(el('hr', 'sp-popup-sep')); box.appendChild(dbox); } else { box = dbox; }
      if (!selected) { selected = ['district', f.id]; }
    }
    if (box) {
      L.popup().setLatLng(e.latlng).setContent(box).openOn(map);
      sp.onSelect(selected[0], selected[1]);
    }
  }

  function onMapMove(e) {
    var now = performance.now();
    if (now - (sp._lastHover || 0) < 40) { return; }
    sp._lastHover = now;
    var over = false;
    for (var k = sp.order.length - 1; k >= 0 && !over; k--) {
      var entry = sp.layers[sp.order[k]];
      if (entry.points && sp.map.hasLayer(entry.layer) && entry.points.hit(e.containerPoint) >= 0) { over = true; }
    }
    sp.map.getContainer().classList.toggle('sp-pointer', over);
  }

  // ------------------------------------------------------------------------------------------
  // public API

  sp.onSelect = function (kind, id) {
    if (sp.bridge && typeof sp.bridge.select === 'function') { sp.bridge.select(String(kind), String(id)); }
  };

  sp.showLayer = function (id, visible) {
    var entry = sp.layers[id];
    if (!entry) { return false; }
    if (visible && !sp.map.hasLayer(entry.layer)) { entry.layer.addTo(sp.map); }
    if (!visible && sp.map.hasLayer(entry.layer)) { sp.map.removeLayer(entry.layer); }
    return true;
  };

  sp.setOpacity = function (id, x) {
    var entry = sp.layers[id];
    if (!entry) { return false; }
    x = Math.max(0, Math.min(1, Number(x)));
    if (entry.spec.kind === 'districts') {
      entry.spec.opacity = x;
      entry.layer._geo.setStyle(entry.spec.fill ? { fillOpacity: x } : { opacity: x });
    } else if (entry.canvas) {
      entry.canvas.setOpacity(x);
    } else {
      var apply = function (l) {
        if (l.setStyle) { l.setStyle({ opacity: x }); } else if (l.setOpacity) { l.setOpacity(x); }
        if (l.eachLayer && !l.setStyle) { l.eachLayer(apply); }
      };
      if (entry.layer.eachLayer) { entry.layer.eachLayer(apply); }
    }
    return true;
  };

  function highlight(layer) {
    sp._highlight.clearLayers();
    if (layer) { sp._highlight.addLayer(layer); }
  }

  sp.select = function (kind, id) {
    var map = sp.map;
    id = String(id);
    var k, entry;
    if (kind === 'outlet' || kind === 'site') {
      for (k = sp.order.length - 1; k >= 0; k--) {
        entry = sp.layers[sp.order[k]];
        if (!entry.points || entry.spec.select !== kind) { continue; }
        var i = entry.points.find(id);
        if (i < 0) { continue; }
        var pl = entry.points, ll = L.latLng(pl.lat[i], pl.lng[i]);
        highlight(L.circleMarker(ll, { pane: 'sp-highlight', radius: 13, color: '#e11d48', weight: 3, fill: false, interactive: false }));
        map.setView(ll, Math.max(map.getZoom(), 14));
        L.popup({ offset: [0, -4] }).setLatLng(ll).setContent(pointPopup(pl, i)).openOn(map);
        return true;
      }
      return false;
    }
    if (kind === 'district') {
      for (k = 0; k < sp.order.length; k++) {
        entry = sp.layers[sp.order[k]];
        if (entry.spec.kind !== 'districts') { continue; }
        var found = null;
        entry.layer._geo.eachLayer(function (l) {
          if (String(entry.spec.features[l.feature.properties.i].id) === id) { found = l; }
        });
        if (!found) { continue; }
        highlight(L.geoJSON(found.feature, { pane: 'sp-highlight', interactive: false,
          style: function () { return { color: '#e11d48', weight: 3.5, fill: false }; } }));
        map.fitBounds(found.getBounds(), { padding: [40, 40] });
        return true;
      }
      return false;
    }
    if (kind === 'cell') {
      var ring;
      try { ring = h3.cellToBoundary(id); } catch (err) { return false; }
      var pts = ring.map(function (p) { return toMap(p[0], p[1]); });
      highlight(L.polygon(pts, { pane: 'sp-highlight', color: '#e11d48', weight: 3, fill: false, interactive: false }));
      var c = h3.cellToLatLng(id);
      map.setView(toMap(c[0], c[1]), Math.max(map.getZoom(), 14));
      return true;
    }
    if (kind === 'route' || kind === 'rep') {
      var parts = id.split('|');
      return sp.showRoutes(parts[0], parts.length > 1 ? parts[1] : null, true);
    }
    return false;
  };

  sp.showRoutes = function (repId, day, fit) {
    sp._routeDay = day || '';
    var bounds = null, any = false;
    sp.order.forEach(function (id) {
      var entry = sp.layers[id];
      if (entry.spec.kind !== 'routes') { return; }
      entry.layer._parts.forEach(function (sub) {
        var rep = entry.spec.reps[sub._route.r];
        var show = (!repId || rep.id === repId) && (!day || sub._route.day === day);
        if (show && !entry.layer.hasLayer(sub)) { entry.layer.addLayer(sub); }
        if (!show && entry.layer.hasLayer(sub)) { entry.layer.removeLayer(sub); }
        if (show) { any = true; bounds = bounds ? bounds.extend(sub._bounds) : L.latLngBounds(sub._bounds.getSouthWest(), sub._bounds.getNorthEast()); }
      });
      numberStops(entry.layer);
    });
    if (fit && bounds) { sp.map.fitBounds(bounds, { padding: [40, 40] }); }
    return any;
  };

  sp.fitTo = function (bounds) {
    var a = toMap(bounds[0][0], bounds[0][1]), b = toMap(bounds[1][0], bounds[1][1]);
    sp.map.fitBounds([a, b], { padding: [20, 20] });
  };

  sp.toContainerPoint = function (lat, lng) {
    var p = sp.map.latLngToContainerPoint(toMap(lat, lng));
    return [p.x, p.y];
  };

  function connectBridge() {
    if (typeof qt === 'undefined' || !qt.webChannelTransport) { return; }
    var script = document.createElement('script');
    script.src = 'qrc:///qtwebchannel/qwebchannel.js';
    script.onload = function () {
      /* global QWebChannel */
      new QWebChannel(qt.webChannelTransport, function (channel) { sp.bridge = channel.objects.bridge || null; });
    };
    document.head.appendChild(script);
  }

  // ------------------------------------------------------------------------------------------
  // init

  function hasSize(map) {
    // the container, not map.getSize(): Leaflet keeps a stale size until the map has a view
    var box = map.getContainer();
    if (!(box.clientWidth > 0 && box.clientHeight > 0)) { return false; }
    map.invalidateSize({ animate: false, pan: false });
    return true;
  }

  function makePane(map, name, z, passThrough) {
    var pane = map.createPane(name);
    pane.style.zIndex = z;
    if (passThrough) { pane.style.pointerEvents = 'none'; }
    return pane;
  }

  sp.init = function (map, data) {
    var t0 = performance.now();
    if (!hasSize(map)) {
      // a page loaded into a view that is not laid out yet: draw once the view has a size
      // (fitting bounds into 0×0 pixels gives a NaN zoom)
      var watch = new ResizeObserver(function () {
        if (hasSize(map)) { watch.disconnect(); sp.init(map, data); }
      });
      watch.observe(map.getContainer());
      return;
    }
    try {
      sp.map = map;
      sp.data = data;
      sp.lang = data.lang;
      sp.text = data.text;
      sp.fieldLabels = data.fieldLabels || {};
      sp.shifted = data.shift === 'gcj02';
      sp.layers = {};
      sp.order = [];
      map.getContainer().style.background = data.background;
      map.getContainer().classList.add('sp-map');
      makePane(map, 'sp-hex', 300, true);
      makePane(map, 'sp-districts', 380, false);
      makePane(map, 'sp-areas', 390, true);
      makePane(map, 'sp-points', 450, true);
      makePane(map, 'sp-labels', 560, true);
      makePane(map, 'sp-highlight', 590, true);
      sp._highlight = L.layerGroup().addTo(map);

      if (data.bounds) { map.fitBounds(data.bounds, { padding: [24, 24], animate: false }); }

      var baseLayers = {}, overlays = {};
      if (data.basemap) {
        var b = data.basemap;
        var tiles = L.tileLayer(b.url, { attribution: esc(b.attribution), maxZoom: b.maxZoom,
                                         subdomains: b.subdomains || 'abc' });
        baseLayers[esc(sp.text.no_basemap)] = L.layerGroup();
        baseLayers[esc(b.name)] = tiles.addTo(map);
        L.control.attribution({ prefix: false, position: 'bottomright' }).addTo(map);
      }

      var grids = [];
      var tg = performance.now();
      data.grids.forEach(function (g) { grids.push(new Grid(g)); });
      sp.stats.gridMs = performance.now() - tg;

      sp.stats.layerMs = {};
      data.layers.forEach(function (spec) {
        var entry = { spec: spec };
        var tl = performance.now();
        if (spec.kind === 'hex') {
          entry.layer = entry.canvas = new HexLayer(spec, grids[spec.grid]);
        } else if (spec.kind === 'points') {
          entry.points = entry.canvas = new PointLayer(spec);
          if (spec.areas && spec.areas.length) {
            entry.layer = L.layerGroup([tradeAreaLayer(spec), entry.points]);
          } else {
            entry.layer = entry.points;
          }
        } else if (spec.kind === 'districts') {
          entry.layer = districtLayer(spec);
        } else if (spec.kind === 'routes') {
          entry.layer = routeLayer(spec);
        } else {
          return;
        }
        sp.layers[spec.id] = entry;
        sp.order.push(spec.id);
        sp.stats.layerMs[spec.id] = [Math.round(performance.now() - tl)];
        overlays[esc(spec.title)] = entry.layer;
      });

      var td = performance.now();
      sp.order.forEach(function (id) {
        var entry = sp.layers[id];
        var tl = performance.now();
        if (entry.spec.visible) { entry.layer.addTo(map); }
        sp.stats.layerMs[id].push(Math.round(performance.now() - tl));
      });
      sp.stats.drawMs = performance.now() - td;

      var tc = performance.now();
      if (data.title) { new TitleControl().addTo(map); }
      L.control.zoom({ position: 'topleft' }).addTo(map);
      if (data.controls.north) { new NorthArrow().addTo(map); }
      if (data.controls.layers && sp.order.length) {
        L.control.layers(baseLayers, overlays, { collapsed: map.getSize().x < 720, position: 'topright' }).addTo(map);
      }
      if (data.controls.scale) { L.control.scale({ imperial: false, position: 'bottomleft', maxWidth: 160 }).addTo(map); }
      if (data.source || data.date) { new SourceNote().addTo(map); }
      if (data.controls.legend) {
        sp.legend = new Legend().addTo(map);
        // the legend sits over the map's right edge: fit the data into the part it leaves free
        var legendWidth = sp.legend._box ? sp.legend._box.offsetWidth : 0;
        if (data.bounds && legendWidth > 0 && legendWidth < map.getSize().x / 2) {
          map.fitBounds(data.bounds, { paddingTopLeft: [24, 24], paddingBottomRight: [legendWidth + 24, 24],
                                       animate: false });
        }
        map.on('overlayadd overlayremove layeradd layerremove', function () {
          if (sp._legendTimer) { clearTimeout(sp._legendTimer); }
          sp._legendTimer = setTimeout(function () { sp.legend.update(); }, 0);
        });
      }
      var updateZoomClass = function () { map.getContainer().classList.toggle('sp-far', map.getZoom() < 12.5); };
      map.on('zoomend', updateZoomClass);
      updateZoomClass();
      map.on('zoomend overlayadd overlayremove', function () { setTimeout(declutterLabels, 0); });
      declutterLabels();
      map.on('click', onMapClick);
      map.on('mousemove', onMapMove);
      connectBridge();
      sp.stats.controlsMs = performance.now() - tc;
      sp.stats.initMs = performance.now() - t0;
      sp.drawn = true;
      document.documentElement.setAttribute('data-storeplan-drawn', '1');
      document.dispatchEvent(new CustomEvent('storeplan:drawn', { detail: sp.stats }));
    } catch (err) {
      sp.error = String(err && err.stack || err);
      console.error('StorePlan map failed: ' + sp.error);
      throw err;
    }
  };
})();
