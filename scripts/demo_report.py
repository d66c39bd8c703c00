#!/usr/bin/env python3
"""The static HTML report of `scripts/demo.py` (SYNTHETIC data).

    build/venv-sql/bin/python scripts/demo_report.py [--out build/demo] [--report FILE]

Reads OUT/summary.json (written by demo.py) and the files it names (item
topics, items, topics) and writes one self-contained OUT/report.html: inline
CSS and hand-drawn inline SVG, no JavaScript, no external resources, so it
opens offline from disk. Standard library only.

Sections: summary figures against their targets; the training curve; topic
sizes; top words per topic (a small multiple per topic); a topic x category
heat map (mean topic weight of each category's items); recommendation hit
rates against the most-popular baseline (and the validation curve that chose
the popularity weight); package file sizes against BigQuery's 1 MB limit;
timings, artifacts, deploy steps and the commands run.
"""

from __future__ import annotations

import argparse
import html
import json
import math
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import Iterable

REPO = Path(__file__).resolve().parent.parent

FONT = ('system-ui, -apple-system, "Segoe UI", "Hiragino Sans", "Hiragino Kaku Gothic ProN", '
        '"Noto Sans JP", "Noto Sans CJK JP", "Yu Gothic UI", "Yu Gothic", Meiryo, "IPAexGothic", '
        '"IPAGothic", "IPAPGothic", "TakaoGothic", sans-serif')
MONO = 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace'

SHARED = "#8a94a3"  # topics that weigh on many categories (shop boilerplate)
# A topic is "shared" when its strongest category's mean weight is less than
# this many times its mean over all categories (a single-category topic
# scores about the number of categories, 18 in the sample).
SPECIFICITY_MIN = 4.0


def palette(n: int) -> list[str]:
    """n distinguishable colours: hues spread round the wheel (neighbours far
    apart), alternating lightness."""
    import colorsys
    out = []
    stride = 7 if n > 7 and math.gcd(7, n) == 1 else 1
    for i in range(n):
        h = ((i * stride) % n) / n
        light = 0.42 if i % 2 == 0 else 0.55
        r, g, b = colorsys.hls_to_rgb(h, light, 0.62)
        out.append("#" + "".join(f"{round(c * 255):02x}" for c in (r, g, b)))
    return out


ACCENT = "#2457a6"
GOOD = "#1a7f37"
BAD = "#c62828"
GRID = "#e3e6ea"
AXIS = "#5f6b7a"
INK = "#1d2430"

e = html.escape


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------


def text_width(s: str, size: float) -> float:
    """Approximate rendered width: wide (CJK) characters 1 em, others ~0.58 em."""
    w = 0.0
    for ch in s:
        w += 1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.58
    return w * size


def nice_step(span: float, n: int) -> float:
    if span <= 0:
        return 1.0
    raw = span / max(n, 1)
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * mag:
            return m * mag
    return 10 * mag


def ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    step = nice_step(hi - lo, n)
    start = math.floor(lo / step) * step
    out = []
    v = start
    while v <= hi + step * 1e-9:
        if v >= lo - step * 1e-9:
            out.append(round(v, 10))
        v += step
    return out


def fmt_tick(v: float, step: float) -> str:
    if step >= 1:
        return f"{v:,.0f}"
    digits = max(0, -math.floor(math.log10(step)) + (0 if step * 10 ** -math.floor(math.log10(step)) in (1, 2, 5) else 1))
    return f"{v:.{digits}f}"


def pct(x: float, digits: int = 1) -> str:
    return f"{100 * x:.{digits}f}%"


def svg(width: float, height: float, body: Iterable[str], label: str, cls: str = "chart") -> str:
    return (f'<svg class="{cls}" viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" '
            f'role="img" aria-label="{e(label)}" xmlns="http://www.w3.org/2000/svg">'
            + "".join(body) + "</svg>")


def read_ndjson(path: Path) -> list[dict]:
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                rows.append(json.loads(line))
    return rows


def resolve(path: str) -> Path:
    p = Path(path)
    return p if p.is_absolute() else REPO / p


def mix(c1: str, c2: str, t: float) -> str:
    """Linear interpolation between two #rrggbb colours."""
    a = [int(c1[i:i + 2], 16) for i in (1, 3, 5)]
    b = [int(c2[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(a, b))


def heat_colour(t: float) -> str:
    """Sequential scale: white -> light blue -> deep blue -> navy."""
    t = min(max(t, 0.0), 1.0)
    stops = [(0.0, "#ffffff"), (0.25, "#c6dbef"), (0.55, "#4a90c8"), (0.8, "#1c5a9c"), (1.0, "#0b2f5e")]
    for (t0, c0), (t1, c1) in zip(stops, stops[1:]):
        if t <= t1:
            return mix(c0, c1, (t - t0) / (t1 - t0) if t1 > t0 else 0)
    return stops[-1][1]


# ---------------------------------------------------------------------------
# Charts
# ---------------------------------------------------------------------------


def line_chart(points: list[tuple[float, float]], *, width=640, height=280, x_label="", y_label="",
               colour=ACCENT, mark: tuple[float, float, str] | None = None, y_fmt=None,
               x_ticks: list[float] | None = None, hline: tuple[float, str] | None = None,
               label="line chart") -> str:
    left, right, top, bottom = 64, 20, 16, 46
    pw, ph = width - left - right, height - top - bottom
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    x0, x1 = min(xs), max(xs)
    if x1 == x0:
        x1 = x0 + 1
    y0, y1 = min(ys + ([hline[0]] if hline else [])), max(ys)
    pad = (y1 - y0) * 0.08 or abs(y1) * 0.05 or 1
    y0, y1 = y0 - pad, y1 + pad
    yt = ticks(y0, y1, 5)
    ystep = yt[1] - yt[0] if len(yt) > 1 else 1
    y0, y1 = min(y0, yt[0]), max(y1, yt[-1])
    xt = x_ticks or ticks(x0, x1, 6)
    xstep = xt[1] - xt[0] if len(xt) > 1 else 1

    def X(v):
        return left + (v - x0) / (x1 - x0) * pw

    def Y(v):
        return top + (1 - (v - y0) / (y1 - y0)) * ph

    out = []
    for v in yt:
        out.append(f'<line x1="{left}" x2="{left + pw}" y1="{Y(v):.1f}" y2="{Y(v):.1f}" stroke="{GRID}"/>')
        txt = y_fmt(v) if y_fmt else fmt_tick(v, ystep)
        out.append(f'<text x="{left - 8}" y="{Y(v) + 4:.1f}" text-anchor="end" class="tick">{e(txt)}</text>')
    for v in xt:
        if x0 - 1e-9 <= v <= x1 + 1e-9:
            out.append(f'<line x1="{X(v):.1f}" x2="{X(v):.1f}" y1="{top + ph}" y2="{top + ph + 5}" stroke="{AXIS}"/>')
            out.append(f'<text x="{X(v):.1f}" y="{top + ph + 19}" text-anchor="middle" class="tick">'
                       f'{e(fmt_tick(v, xstep))}</text>')
    out.append(f'<line x1="{left}" x2="{left + pw}" y1="{top + ph}" y2="{top + ph}" stroke="{AXIS}"/>')
    if hline:
        hv, htext = hline
        out.append(f'<line x1="{left}" x2="{left + pw}" y1="{Y(hv):.1f}" y2="{Y(hv):.1f}" stroke="#9aa5b1" '
                   f'stroke-width="1.6" stroke-dasharray="6 4"/>')
        out.append(f'<text x="{left + pw - 4}" y="{Y(hv) - 6:.1f}" text-anchor="end" class="tick">{e(htext)}</text>')
    path = " ".join(f"{'M' if i == 0 else 'L'}{X(x):.1f},{Y(y):.1f}" for i, (x, y) in enumerate(points))
    out.append(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2.2" stroke-linejoin="round"/>')
    if len(points) <= 30:
        for x, y in points:
            out.append(f'<circle cx="{X(x):.1f}" cy="{Y(y):.1f}" r="3.2" fill="{colour}"><title>{e(f"{x:g}: {y:.4f}")}</title></circle>')
    if mark:
        mx, my, mtext = mark
        out.append(f'<circle cx="{X(mx):.1f}" cy="{Y(my):.1f}" r="6" fill="none" stroke="{BAD}" stroke-width="2"/>')
        anchor = "end" if X(mx) > left + pw * 0.7 else "start"
        dx = -10 if anchor == "end" else 10
        out.append(f'<text x="{X(mx) + dx:.1f}" y="{Y(my) - 10:.1f}" text-anchor="{anchor}" class="note">{e(mtext)}</text>')
    out.append(f'<text x="{left + pw / 2:.1f}" y="{height - 6}" text-anchor="middle" class="axis-label">{e(x_label)}</text>')
    out.append(f'<text transform="translate(14,{top + ph / 2:.1f}) rotate(-90)" text-anchor="middle" '
               f'class="axis-label">{e(y_label)}</text>')
    return svg(width, height, out, label)


def hbar_chart(rows: list[dict], *, width=640, bar_h=26, gap=12, x_max=None, budget=None,
               budget_label="", value_fmt=str, label="bar chart") -> str:
    """rows: {label, value, colour, note}. Optional vertical budget line."""
    size = 13
    left = min(260, max(text_width(r["label"], size) for r in rows) + 18)
    right, top = 140, 26 if budget else 8
    axis_h = 26
    pw = width - left - right
    height = top + len(rows) * (bar_h + gap) - gap + axis_h + 8
    vmax = x_max or max(max(r["value"] for r in rows), budget or 0) * 1.08 or 1
    xt = ticks(0, vmax, 5)
    step = xt[1] - xt[0] if len(xt) > 1 else 1
    out = []

    def X(v):
        return left + v / vmax * pw

    base_y = top + len(rows) * (bar_h + gap) - gap
    for v in xt:
        if v <= vmax:
            out.append(f'<line x1="{X(v):.1f}" x2="{X(v):.1f}" y1="{top - 4}" y2="{base_y}" stroke="{GRID}"/>')
            out.append(f'<text x="{X(v):.1f}" y="{base_y + 17}" text-anchor="middle" class="tick">'
                       f'{e(value_fmt(v) if step < 1 or v == 0 else fmt_tick(v, step))}</text>')
    for i, r in enumerate(rows):
        y = top + i * (bar_h + gap)
        out.append(f'<text x="{left - 10}" y="{y + bar_h / 2 + 4.5:.1f}" text-anchor="end" class="bar-label">{e(r["label"])}</text>')
        w = max(1.0, X(r["value"]) - left)
        out.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h}" rx="3" fill="{r.get("colour", ACCENT)}">'
                   f'<title>{e(r["label"])}: {e(value_fmt(r["value"]))}</title></rect>')
        note = value_fmt(r["value"]) + (f"  {r['note']}" if r.get("note") else "")
        if w > 0.6 * pw:  # long bar: the figure inside it, right-aligned
            out.append(f'<text x="{left + w - 8:.1f}" y="{y + bar_h / 2 + 4.5:.1f}" text-anchor="end" '
                       f'class="bar-value" style="fill:#fff">{e(note)}</text>')
        else:
            out.append(f'<text x="{left + w + 8:.1f}" y="{y + bar_h / 2 + 4.5:.1f}" class="bar-value">{e(note)}</text>')
    out.append(f'<line x1="{left}" x2="{left}" y1="{top - 4}" y2="{base_y}" stroke="{AXIS}"/>')
    if budget:
        bx = X(budget)
        out.append(f'<line x1="{bx:.1f}" x2="{bx:.1f}" y1="{top - 14}" y2="{base_y + 4}" stroke="{BAD}" '
                   f'stroke-width="2" stroke-dasharray="6 4"/>')
        out.append(f'<text x="{bx - 6:.1f}" y="{top - 14 + 9}" text-anchor="end" class="budget">{e(budget_label)}</text>')
    return svg(width, height, out, label)


def value_axis(out: list, left, pw, top, ph, vmax, default_step, label_gap, tick_label):
    """Appends a vertical value axis's grid lines and tick labels to ``out``
    (ticks from 0 past ``vmax``) and returns the value-to-y function."""
    yt = ticks(0, vmax, 4)
    step = yt[1] - yt[0] if len(yt) > 1 else default_step
    vmax = max(vmax, yt[-1])

    def Y(v):
        return top + (1 - v / vmax) * ph

    for v in yt:
        out.append(f'<line x1="{left}" x2="{left + pw}" y1="{Y(v):.1f}" y2="{Y(v):.1f}" stroke="{GRID}"/>')
        out.append(f'<text x="{left - label_gap}" y="{Y(v) + 4:.1f}" text-anchor="end" class="tick">'
                   f'{tick_label(v, step)}</text>')
    return Y


def column_chart(cols: list[dict], *, width=520, height=300, value_fmt=str, y_label="", label="column chart") -> str:
    """cols: {label, value, colour, note}: one labelled column each, value on top."""
    left, right, top, bottom = 58, 12, 34, 52
    pw, ph = width - left - right, height - top - bottom
    slot = pw / len(cols)
    bw = min(110.0, slot * 0.58)
    out = []
    Y = value_axis(out, left, pw, top, ph, max(c["value"] for c in cols) * 1.12 or 1, 1, 8,
                   lambda v, step: e(fmt_tick(v, step)))
    for i, c in enumerate(cols):
        cx = left + slot * (i + 0.5)
        y = Y(c["value"])
        out.append(f'<rect x="{cx - bw / 2:.1f}" y="{y:.1f}" width="{bw:.1f}" height="{top + ph - y:.1f}" rx="3" '
                   f'fill="{c.get("colour", ACCENT)}"><title>{e(c["label"])}: {e(value_fmt(c["value"]))}</title></rect>')
        out.append(f'<text x="{cx:.1f}" y="{y - (20 if c.get("note") else 7):.1f}" text-anchor="middle" class="bar-value">'
                   f'{e(value_fmt(c["value"]))}</text>')
        if c.get("note"):
            out.append(f'<text x="{cx:.1f}" y="{y - 6:.1f}" text-anchor="middle" class="tick">{e(c["note"])}</text>')
        for j, line in enumerate(c["label"].split("\n")):
            out.append(f'<text x="{cx:.1f}" y="{top + ph + 18 + 15 * j}" text-anchor="middle" class="bar-label">{e(line)}</text>')
    out.append(f'<line x1="{left}" x2="{left + pw}" y1="{top + ph}" y2="{top + ph}" stroke="{AXIS}"/>')
    out.append(f'<text transform="translate(14,{top + ph / 2:.1f}) rotate(-90)" text-anchor="middle" '
               f'class="axis-label">{e(y_label)}</text>')
    return svg(width, height, out, label)


def topic_size_chart(shares: list[tuple[int, float]], colours: dict[int, str], labels: dict[int, str],
                     width=960) -> str:
    """Vertical columns, one per topic, sorted by share (descending)."""
    left, right, top, bottom = 52, 10, 12, 40
    n = len(shares)
    pw = width - left - right
    ph = 200
    height = top + ph + bottom
    slot = pw / n
    bw = max(2.0, slot * 0.72)
    out = []
    Y = value_axis(out, left, pw, top, ph, max(s for _, s in shares) * 1.1 or 1, 0.01, 6,
                   lambda v, step: pct(v, 0 if step >= 0.01 else 1))
    label_every = 1 if slot >= 16 else (2 if slot >= 9 else 4)
    for i, (t, s) in enumerate(shares):
        x = left + i * slot + (slot - bw) / 2
        tip = f"topic {t}: {pct(s, 2)} of tokens — " + labels.get(t, "")
        out.append(f'<rect x="{x:.1f}" y="{Y(s):.1f}" width="{bw:.1f}" height="{top + ph - Y(s):.1f}" '
                   f'fill="{colours.get(t, ACCENT)}"><title>{e(tip)}</title></rect>')
        if i % label_every == 0:
            cx = x + bw / 2
            out.append(f'<text x="{cx:.1f}" y="{top + ph + 13}" text-anchor="middle" class="tick small">{t}</text>')
    out.append(f'<line x1="{left}" x2="{left + pw}" y1="{top + ph}" y2="{top + ph}" stroke="{AXIS}"/>')
    out.append(f'<text x="{left + pw / 2:.1f}" y="{height - 6}" text-anchor="middle" class="axis-label">'
               f'topic (sorted by share; colour = the category it weighs most on)</text>')
    out.append(f'<text transform="translate(13,{top + ph / 2:.1f}) rotate(-90)" text-anchor="middle" '
               f'class="axis-label">share of tokens</text>')
    return svg(width, height, out, "topic sizes")


def word_panel(topic: dict, colour: str, n_words: int = 8, width=250) -> str:
    words = topic["words"][:n_words]
    size = 12
    row_h = 19
    left = min(110, max((text_width(w["word"], size) for w in words), default=20) + 12)
    right = 44
    pw = width - left - right
    height = len(words) * row_h + 4
    vmax = max((w["weight"] for w in words), default=1) or 1
    out = []
    for i, w in enumerate(words):
        y = 2 + i * row_h
        bw = max(1.0, w["weight"] / vmax * pw)
        out.append(f'<text x="{left - 6}" y="{y + 13}" text-anchor="end" class="word">{e(w["word"])}</text>')
        out.append(f'<rect x="{left}" y="{y + 2}" width="{bw:.1f}" height="{row_h - 5}" rx="2" fill="{colour}" '
                   f'opacity="{0.95 - 0.06 * i:.2f}"><title>{e(w["word"])}: {w["weight"]:.4f}</title></rect>')
        out.append(f'<text x="{left + bw + 4:.1f}" y="{y + 13}" class="tick small">{w["weight"]:.3f}</text>')
    return svg(width, height, out, f"top words of topic {topic['topic']}", cls="panel-chart")


def heat_map(matrix: dict[tuple[str, int], float], categories: list[tuple[str, str, int]], topic_order: list[int],
             dominant: dict[int, str | None], cat_colour: dict[str, str], width_max=1070) -> str:
    """Rows: categories (label category_ja); columns: topics; cell = mean
    weight, coloured on a square-root scale so that weak topics show."""
    size = 12.5
    left = max(text_width(f"{ja} ({n})", size) for _, ja, n in categories) + 22
    n_cols = len(topic_order)
    cell_w = max(6.0, min(40.0, (width_max - left - 10) / n_cols))
    cell_h = 24
    top = 40
    legend_label = "mean topic weight (square-root colour scale)"
    width = max(left + n_cols * cell_w + 10, left + 260 + 14 + text_width(legend_label, 12.5) + 10)
    height = top + len(categories) * cell_h + 64
    vmax = max(matrix.values(), default=1) or 1

    def scale(v):
        return math.sqrt(max(v, 0.0) / vmax)

    out = []
    # column headers: topic ids (vertical when narrow) over a strip in the
    # colour of the topic's category (grey: shared)
    vertical = cell_w < 18
    for j, t in enumerate(topic_order):
        x = left + j * cell_w
        out.append(f'<rect x="{x:.1f}" y="{top - 7}" width="{cell_w:.1f}" height="5" '
                   f'fill="{cat_colour.get(dominant.get(t), SHARED)}"/>')
        cx = x + cell_w / 2
        if vertical:
            out.append(f'<text transform="translate({cx + 3.5:.1f},{top - 10}) rotate(-90)" class="tick small">{t}</text>')
        else:
            out.append(f'<text x="{cx:.1f}" y="{top - 12}" text-anchor="middle" class="tick small">{t}</text>')
    for i, (cat, ja, n) in enumerate(categories):
        y = top + i * cell_h
        out.append(f'<text x="{left - 10}" y="{y + cell_h / 2 + 4.5:.1f}" text-anchor="end" class="bar-label">{e(ja)}'
                   f'<tspan class="muted"> ({n})</tspan></text>')
        out.append(f'<rect x="{left - 7}" y="{y + 4}" width="4" height="{cell_h - 8}" fill="{cat_colour[cat]}"/>')
        for j, t in enumerate(topic_order):
            v = matrix.get((cat, t), 0.0)
            x = left + j * cell_w
            tip = f"{ja} ({cat}) × topic {t}: mean weight {v:.3f}"
            out.append(f'<rect x="{x:.1f}" y="{y}" width="{cell_w + 0.3:.1f}" height="{cell_h + 0.3}" '
                       f'fill="{heat_colour(scale(v))}"><title>{e(tip)}</title></rect>')
    gy = top + len(categories) * cell_h
    out.append(f'<rect x="{left}" y="{top}" width="{n_cols * cell_w:.1f}" height="{len(categories) * cell_h}" '
               f'fill="none" stroke="#c9ced6"/>')
    shared_cols = [j for j, t in enumerate(topic_order) if dominant.get(t) is None]
    if shared_cols:
        x0 = left + shared_cols[0] * cell_w
        out.append(f'<line x1="{x0:.1f}" x2="{x0:.1f}" y1="{top - 8}" y2="{gy}" stroke="#5f6b7a" stroke-dasharray="3 3"/>')
        out.append(f'<text x="{x0 + len(shared_cols) * cell_w / 2:.1f}" y="{gy + 16}" text-anchor="middle" '
                   f'class="tick">shared topics</text>')
    # legend (square-root scale)
    lx, ly, lw = left, gy + 30, 260
    out.append('<defs><linearGradient id="heatgrad" x1="0" x2="1" y1="0" y2="0">'
               + "".join(f'<stop offset="{k / 10:.1f}" stop-color="{heat_colour(k / 10)}"/>' for k in range(11))
               + "</linearGradient></defs>")
    out.append(f'<rect x="{lx}" y="{ly}" width="{lw}" height="12" fill="url(#heatgrad)" stroke="#c9ced6"/>')
    for v in (0.0, 0.01, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0):
        if v <= vmax:
            x = lx + scale(v) * lw
            out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{ly + 12}" y2="{ly + 16}" stroke="{AXIS}"/>')
            out.append(f'<text x="{x:.1f}" y="{ly + 27}" text-anchor="middle" class="tick small">{v:g}</text>')
    out.append(f'<text x="{lx + lw + 14}" y="{ly + 11}" class="axis-label">{e(legend_label)}</text>')
    return svg(width, height, out, "topic by category heat map", cls="chart heat")


# ---------------------------------------------------------------------------
# Data preparation
# ---------------------------------------------------------------------------


def topic_category_matrix(item_topics: list[dict], items: list[dict]):
    cat_of = {i["item_id"]: i["category"] for i in items}
    ja_of = {}
    for i in items:
        ja_of.setdefault(i["category"], i.get("category_ja") or i["category"])
    sums: dict[str, list[float]] = {}
    counts: dict[str, int] = defaultdict(int)
    k = 0
    for row in item_topics:
        vec = row.get("topics") or []
        cat = cat_of.get(row["item_id"])
        if not vec or cat is None:
            continue
        k = max(k, len(vec))
        acc = sums.setdefault(cat, [0.0] * len(vec))
        for t, w in enumerate(vec):
            acc[t] += w
        counts[cat] += 1
    matrix = {(c, t): sums[c][t] / counts[c] for c in sums for t in range(len(sums[c]))}
    cats = sorted(sums, key=lambda c: (-counts[c], c))
    return matrix, [(c, ja_of[c], counts[c]) for c in cats], k


def order_topics(matrix, categories, k):
    """Topics grouped by their dominant category (in row order), strongest
    first; shared topics (see SPECIFICITY_MIN) last, as dominant None."""
    dominant, strength = {}, {}
    for t in range(k):
        vals = [(matrix.get((c[0], t), 0.0), c[0]) for c in categories]
        best_v, best_c = max(vals, key=lambda x: x[0])
        mean = sum(v for v, _ in vals) / len(vals) if vals else 0.0
        specific = mean > 0 and best_v / mean >= SPECIFICITY_MIN
        dominant[t] = best_c if specific else None
        strength[t] = best_v
    row = {c[0]: i for i, c in enumerate(categories)}
    order = sorted(range(k), key=lambda t: (row.get(dominant[t], len(row)), -strength[t], t))
    return order, dominant


# ---------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------

CSS = """
:root { --ink: %(ink)s; --muted: #5f6b7a; --line: #e3e6ea; --bg: #f5f7fa; --card: #fff;
        --accent: %(accent)s; --good: %(good)s; --bad: %(bad)s; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%%; }
body { margin: 0; font-family: %(font)s; color: var(--ink); background: var(--bg);
       line-height: 1.55; font-size: 15px; }
header.top { background: linear-gradient(120deg, #17325c, #2457a6); color: #fff; padding: 28px 0 22px; }
.wrap { max-width: 1180px; margin: 0 auto; padding: 0 24px; }
header.top h1 { margin: 0 0 4px; font-size: 26px; font-weight: 700; letter-spacing: .01em; }
header.top p { margin: 2px 0; opacity: .9; }
.badge { display: inline-block; background: #ffd54f; color: #3b2f00; font-weight: 700; font-size: 12px;
         padding: 2px 8px; border-radius: 4px; letter-spacing: .06em; vertical-align: middle; margin-left: 8px; }
.synthetic-banner { background: #fff8e1; border: 1px solid #ffe08a; color: #5d4a00; padding: 10px 14px;
                    border-radius: 6px; margin: 18px 0 0; }
nav.toc { margin: 14px 0 0; font-size: 14px; }
nav.toc a { color: #dbe7ff; margin-right: 14px; text-decoration: none; border-bottom: 1px dotted #9fb8e8; }
section { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 20px 24px;
          margin: 20px 0; box-shadow: 0 1px 2px rgba(20, 30, 50, .04); }
section h2 { margin: 0 0 4px; font-size: 19px; }
section .lead { margin: 0 0 14px; color: var(--muted); font-size: 14px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(205px, 1fr)); gap: 12px; margin: 6px 0 16px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; background: #fbfcfd; }
.card .k { font-size: 12.5px; color: var(--muted); }
.card .v { font-size: 24px; font-weight: 700; font-variant-numeric: tabular-nums; margin: 2px 0; }
.card .t { font-size: 12.5px; }
.met { color: var(--good); font-weight: 700; }
.notmet { color: var(--bad); font-weight: 700; }
table { border-collapse: collapse; width: 100%%; font-size: 14px; }
th, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; color: var(--muted); font-size: 13px; background: #fafbfc; }
table.compact td { padding: 3px 8px; font-size: 13px; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
code, pre { font-family: %(mono)s; font-size: 12.5px; }
pre { background: #0f1722; color: #e6edf3; padding: 12px 14px; border-radius: 8px; overflow-x: auto;
      line-height: 1.45; white-space: pre-wrap; word-break: break-all; }
.chart-wrap { overflow-x: auto; }
svg { display: block; max-width: 100%%; height: auto; font-family: %(font)s; }
svg.heat { max-width: none; }
svg .tick { font-size: 11.5px; fill: #5f6b7a; font-variant-numeric: tabular-nums; }
svg .tick.small { font-size: 10px; }
svg .axis-label { font-size: 12.5px; fill: #3d4756; }
svg .bar-label { font-size: 13px; fill: var(--ink); }
svg .bar-value { font-size: 12.5px; fill: var(--ink); font-weight: 600; font-variant-numeric: tabular-nums; }
svg .muted { fill: #8792a2; font-size: 11px; }
svg .word { font-size: 12px; fill: var(--ink); }
svg .note { font-size: 12px; fill: %(bad)s; font-weight: 600; }
svg .budget { font-size: 12px; fill: %(bad)s; font-weight: 600; }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 22px; }
@media (max-width: 900px) { .grid2 { grid-template-columns: 1fr; } }
.panels { display: grid; grid-template-columns: repeat(auto-fill, minmax(262px, 1fr)); gap: 10px; }
.panel { border: 1px solid var(--line); border-radius: 8px; padding: 8px 10px 6px; background: #fff; }
.panel h3 { margin: 0 0 4px; font-size: 13.5px; display: flex; justify-content: space-between; gap: 6px; }
.panel h3 .share { color: var(--muted); font-weight: 500; font-variant-numeric: tabular-nums; }
.chip { display: inline-block; font-size: 11.5px; padding: 0 7px; border-radius: 10px; color: #fff;
        margin-bottom: 4px; max-width: 100%%; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 14px; font-size: 12.5px; margin: 0 0 10px; }
.legend span::before { content: ""; display: inline-block; width: 10px; height: 10px; border-radius: 2px;
                       background: var(--c); margin-right: 5px; vertical-align: -1px; }
details { margin-top: 10px; }
summary { cursor: pointer; color: var(--accent); font-weight: 600; }
footer { color: var(--muted); font-size: 13px; padding: 10px 0 40px; }
ol li, ul li { margin: 3px 0; }
@media print { body { background: #fff; } section { box-shadow: none; break-inside: avoid; } }
""" % {"ink": INK, "accent": ACCENT, "good": GOOD, "bad": BAD, "font": FONT, "mono": MONO}


def fmt_value(name: str, v) -> str:
    if v is None:
        return "n/a"
    if "÷" in name:
        return f"{v:.2f}×"
    if isinstance(v, float):
        return f"{v:.1f}" if "(s)" in name else (f"{v:.4f}" if abs(v) < 10 else f"{v:,.1f}")
    return f"{v:,}"


def met_html(met: bool) -> str:
    return '<span class="met">✓ met</span>' if met else '<span class="notmet">✗ not met</span>'


def build_html(s: dict) -> str:
    art = s["artifacts"]
    ev, rec, pk, model, data = s["evaluation"], s["recommendations"], s["package"], s["model"], s["data"]
    items = read_ndjson(resolve(art["sample_items"]))
    item_topics = read_ndjson(resolve(art["item_topics"]))
    topics = read_ndjson(resolve(art["topics"]))
    matrix, categories, k = topic_category_matrix(item_topics, items)
    order, dominant = order_topics(matrix, categories, k)
    colours = palette(len(categories))
    cat_colour = {c: colours[i] for i, (c, _, _) in enumerate(categories)}
    ja = {c: j for c, j, _ in categories}
    topic_colour = {t: cat_colour.get(dominant.get(t), SHARED) for t in range(k)}
    n_shared = sum(1 for t in range(k) if dominant.get(t) is None)
    by_topic = {t["topic"]: t for t in topics}
    labels = {t: " · ".join(w["word"] for w in by_topic[t]["words"][:3]) for t in by_topic}
    smoke = s.get("settings", {}).get("smoke")

    parts: list[str] = []
    add = parts.append

    # ---- header
    add(f"""<header class="top"><div class="wrap">
<h1>jatopic demo report <span class="badge">SYNTHETIC DATA</span>{' <span class="badge">SMOKE PRESET</span>' if smoke else ''}</h1>
<p>Japanese tokenizer + LDA topic model, trained on terms exported by the BigQuery UDF (<code>ja_terms</code>) and run through the
<code>sql/</code> pipeline locally (DuckDB + the BigQuery JavaScript sandbox).</p>
<p>{data['items']:,} items · {data['categories']} categories · {data['styles']} styles · {data['views']:,} views by {data['users']:,} users ·
K = {model['k']} · {model['iterations']} iterations · run in {s.get('total_s', 0):.1f} s</p>
<nav class="toc"><a href="#summary">Summary</a><a href="#training">Training</a><a href="#sizes">Topic sizes</a>
<a href="#words">Top words</a><a href="#heat">Topic × category</a><a href="#recs">Recommendations</a>
<a href="#package">Package</a><a href="#run">Run details</a></nav>
</div></header>
<main class="wrap">
<div class="synthetic-banner"><strong>Synthetic data.</strong> Every listing, seller, user and page view in this report
was generated by <code>jatopic sample --seed {data['seed']}</code> from a small hand-written vocabulary and a simulated
browsing log. They are not real products, shops, customers or browsing histories.
これは乱数で生成した架空のデータです。</div>""")

    # ---- summary
    cards = [
        ("NMI, top topic vs category", f"{ev['nmi']:.3f}", f"target ≥ 0.6 · {met_html(ev['nmi'] >= 0.6)}"),
        ("purity (held-out items)", f"{ev['purity']:.3f}", f"{ev['documents']} held-out items"),
        ("held-out log-likelihood / token", f"{ev['heldout_log_likelihood']:.3f}", f"{ev['scored_tokens']:,} scored tokens"),
        ("mean NPMI (top 10 words)", f"{ev['mean_npmi']:.3f}", "co-occurrence in held-out items"),
        ("topic diversity", f"{ev['diversity']:.3f}", "unique share of top-25 words"),
        ("hit@10, topic similarity", f"{rec['hit_rate_similarity']:.3f}",
         f"{fmt_value('÷', rec['ratio_similarity'])} most-popular · {met_html(rec['met_similarity'])}"),
        (f"hit@10, blend w = {rec['popularity_weight']:.1f}", f"{rec['hit_rate_chosen']:.3f}",
         f"{fmt_value('÷', rec['ratio_chosen'])} most-popular · {met_html(rec['met_chosen'])}"),
        ("hit@10, most-popular baseline", f"{rec['hit_rate_popular']:.3f}", f"{rec['users']} users, last view held out"),
        ("largest UDF file", f"{pk['max_library_bytes'] / 1e6:.3f} MB",
         f"limit 1.000 MB · {met_html(pk['all_within_budget'])}"),
    ]
    rows = []
    for t in s["targets"]:
        rows.append(f"<tr><td>{e(t['name'])}</td><td class='num'>{e(fmt_value(t['name'], t['value']))}</td>"
                    f"<td class='num'>{e(t['target'].replace('>=', '≥').replace('<=', '≤'))}</td><td>{met_html(t['met'])}</td></tr>")
    add(f"""<section id="summary"><h2>Summary</h2>
<p class="lead">Topic quality is measured on {ev['documents']} held-out items (10 % of the catalogue, chosen by a hash of
<code>item_id</code>, never trained on); recommendations on each user's held-out last view.</p>
<div class="cards">{''.join(f'<div class="card"><div class="k">{e(a)}</div><div class="v">{v}</div><div class="t">{t}</div></div>' for a, v, t in cards)}</div>
<table><thead><tr><th>figure</th><th class="num">measured</th><th class="num">target</th><th></th></tr></thead>
<tbody>{''.join(rows)}</tbody></table></section>""")

    # ---- training curve
    curve = [(float(i), float(ll)) for i, ll in model["curve"]]
    add(f"""<section id="training"><h2>Training curve</h2>
<p class="lead">Collapsed Gibbs sampling, K = {model['k']}, {model['iterations']} iterations, asymmetric α optimised
(Minka), β = {model['beta']}; {model.get('documents', '?')} training items, {model.get('tokens', 0):,} tokens,
vocabulary {model.get('vocabulary', 0):,} terms. Log-likelihood per token logged every {model['log_every']} iteration(s).</p>
<div class="chart-wrap">{line_chart(curve, width=1060, height=300, x_label="iteration",
                                    y_label="log-likelihood / token", label="training curve")}</div></section>""")

    # ---- topic sizes
    shares = sorted(((t["topic"], t["share"]) for t in topics), key=lambda x: (-x[1], x[0]))
    legend = "".join(f'<span style="--c:{cat_colour[c]}">{e(j)}</span>' for c, j, _ in categories)
    legend += f'<span style="--c:{SHARED}">shared (boilerplate)</span>' if n_shared else ""
    add(f"""<section id="sizes"><h2>Topic sizes</h2>
<p class="lead">Share of the training tokens assigned to each topic. Colour: the category whose items weigh most on the
topic (from the heat map below). Hover a column for its top words.</p>
<div class="legend">{legend}</div>
<div class="chart-wrap">{topic_size_chart(shares, topic_colour, labels, width=1100)}</div></section>""")

    # ---- top words small multiples
    panels = []
    for t in order:
        tp = by_topic.get(t)
        if not tp:
            continue
        c = dominant.get(t)
        chip = f"{ja[c]} · {matrix.get((c, t), 0):.2f}" if c else "shared by many categories"
        panels.append(f"""<div class="panel"><h3><span>topic {t}</span><span class="share">{pct(tp['share'])}</span></h3>
<span class="chip" style="background:{topic_colour[t]}">{e(chip)}</span>
{word_panel(tp, topic_colour[t])}</div>""")
    add(f"""<section id="words"><h2>Top words per topic</h2>
<p class="lead">The 8 most probable words of each topic (bar = probability within the topic, scaled per panel),
grouped by the category each topic weighs most on (chip: that category and its items' mean weight on the topic).
{n_shared} of the {k} topics are <em>shared</em>: no category weighs on them much more than the others
(the strongest less than {SPECIFICITY_MIN:g}× the average) — the synthetic generator's shop boilerplate (shipping,
gift wrapping, "each piece is handmade"); they come last. Such topics group phrases that rarely co-occur, which is
what pulls the mean NPMI down.</p>
<div class="panels">{''.join(panels)}</div></section>""")

    # ---- heat map
    add(f"""<section id="heat"><h2>Topic × category</h2>
<p class="lead">Mean topic weight (<code>item_topics.topics</code>, computed by the <code>ja_topics</code> UDF) of the items
of each category, for all {sum(n for _, _, n in categories):,} items. A clean block diagonal means topics separate the
categories; several topics per category are expected with K = {model['k']} (the sample's items span {data['styles']} styles).</p>
<div class="chart-wrap">{heat_map(matrix, categories, order, dominant, cat_colour)}</div></section>""")

    # ---- recommendations
    cols = [{"label": "topic similarity\n(w = 0)", "value": rec["hit_rate_similarity"], "colour": ACCENT,
             "note": f"{rec['hits_similarity']} hits · {fmt_value('÷', rec['ratio_similarity'])}"}]
    if rec["popularity_weight"] > 0:
        cols.append({"label": f"blend\n(w = {rec['popularity_weight']:.1f})", "value": rec["hit_rate_chosen"],
                     "colour": "#5b8fd9", "note": f"{rec['hits_chosen']} hits · {fmt_value('÷', rec['ratio_chosen'])}"})
    cols.append({"label": "most-popular\nbaseline", "value": rec["hit_rate_popular"], "colour": "#9aa5b1",
                 "note": f"{rec['hits_popular']} hits"})
    val = [(v["popularity_weight"], v["hit_rate"]) for v in rec["validation"]]
    chosen_val = next(v["hit_rate"] for v in rec["validation"] if v["popularity_weight"] == rec["popularity_weight"])
    val_pop = rec["validation"][0]["hit_rate_popular"]
    add(f"""<section id="recs"><h2>Recommendations</h2>
<p class="lead">Leave-last-out: each of {rec['users']} users' last view is held out, the SQL pipeline
(<code>item_topics.sql</code>, <code>user_topics.sql</code> with a {rec['half_life_days']:g}-day half-life over
{rec['window_days']:g} days, <code>recommendations.sql</code>) runs on the rest, and a user scores a hit when the held-out
item is among their 10 recommendations. The baseline recommends the 10 most viewed items the user has not seen.</p>
<div class="grid2"><div><h3 style="margin:4px 0 8px;font-size:15px">Hit rate@10 on the held-out last view</h3>
{column_chart(cols, width=520, height=300, value_fmt=lambda v: f"{v:.3f}", y_label="hit rate@10", label="hit rate at 10")}</div>
<div><h3 style="margin:4px 0 8px;font-size:15px">Choosing the popularity weight on a validation split</h3>
{line_chart(val, width=540, height=300, x_label="w in score = (1 − w)·cosine + w·popularity",
            y_label="validation hit@10", mark=(rec['popularity_weight'], chosen_val, f"chosen w = {rec['popularity_weight']:.1f}"),
            hline=(val_pop, f"most-popular {val_pop:.3f}"), label="validation hit rate by popularity weight")}
</div></div>
<p class="lead" style="margin-top:10px">The popularity weight (<code>@popularity_weight</code> of
<code>recommendations.sql</code>) is chosen without the held-out views: on the log without them, each user's last
remaining view is held out in turn, and the weight with the best hit rate there is used. Pure topic similarity
(w = 0) is reported alongside.</p></section>""")

    # ---- package sizes
    libs = pk["libraries"]
    lib_rows = [{"label": f["path"], "value": f["bytes"], "colour": ACCENT if f["within_budget"] else BAD,
                 "note": "· " + pct(f["bytes"] / pk["budget_bytes"]) + " of the limit"} for f in libs]
    other = "".join(f"<tr><td><code>{e(f['path'])}</code></td><td class='num'>{f['bytes']:,}</td></tr>"
                    for f in pk["other_files"])
    add(f"""<section id="package"><h2>BigQuery package</h2>
<p class="lead"><code>jatopic package --model</code>: every JavaScript library file must stay within BigQuery's
1,000,000-byte limit. Functions: {', '.join(f'<code>{e(f)}</code>' for f in pk['functions'])}.</p>
<div class="chart-wrap">{hbar_chart(lib_rows, width=1000, x_max=max(pk['budget_bytes'] * 1.1, pk['max_library_bytes'] * 1.05),
                                    budget=pk['budget_bytes'], budget_label='1,000,000-byte limit per file',
                                    value_fmt=lambda v: f"{v:,.0f} B", label="package file sizes")}</div>
<details><summary>other files of the package</summary><table><tbody>{other}</tbody></table></details>
<p style="margin-top:12px">The package was written with the <strong>placeholder</strong> names
<code>{e(pk['gcs_prefix'])}</code> and <code>{e(pk['dataset'])}</code>. To deploy:</p>
<ol><li>re-package with your bucket and dataset:
<code>target/release/jatopic package --out {e(pk['dir'])} --gcs-prefix gs://YOUR_BUCKET/jatopic --dataset YOUR_PROJECT.jatopic --model {e(art['model'])}</code></li>
<li><code>sh {e(pk['dir'])}/deploy.sh</code> — uploads the library files (<code>gcloud storage cp</code>) and creates the
functions (<code>bq query &lt; create_functions.sql</code>);</li>
<li>render and run <code>sql/*.sql</code> as described in <code>sql/README.md</code>
(<code>--parameter=popularity_weight:FLOAT64:{rec['popularity_weight']:.1f}</code> for the chosen blend).</li></ol></section>""")

    # ---- run details
    timing_rows = "".join(f"<tr><td>{e(name)}</td><td class='num'>{sec:.1f} s</td></tr>"
                          for name, sec in s.get("timings_s", {}).items())
    art_rows = "".join(f"<tr><td>{e(k_)}</td><td><code>{e(v)}</code></td></tr>" for k_, v in art.items())
    cmds = "\n".join("$ " + c for c in s.get("commands", []))
    web = s.get("web", {})
    add(f"""<section id="run"><h2>Run details</h2>
<div class="grid2"><div><h3 style="margin:4px 0 8px;font-size:15px">Timings</h3>
<table><tbody>{timing_rows}<tr><th>total (to the report)</th><th class="num">{s.get('total_s', 0):.1f} s</th></tr></tbody></table>
<h3 style="margin:16px 0 8px;font-size:15px">Browser demo</h3>
<p>Built in <code>{e(web.get('dir', 'build/web'))}</code> ({web.get('transfer_bytes', 0):,} bytes to transfer).
Serve it with <code>make serve</code> or <code>node js/serve.mjs --dir {e(web.get('dir', 'build/web'))}</code> and open
<code>http://127.0.0.1:8080/</code>.</p></div>
<div><h3 style="margin:4px 0 8px;font-size:15px">Artifacts</h3><table class="compact"><tbody>{art_rows}</tbody></table></div></div>
<details><summary>commands run</summary><pre>{e(cmds)}</pre></details></section>
</main>
<footer class="wrap">Generated by <code>scripts/demo.py</code> / <code>scripts/demo_report.py</code> from
<code>{e(art['summary'])}</code>. All data shown is SYNTHETIC (<code>jatopic sample</code>); figures describe this
synthetic catalogue only. 架空のデータによるデモです。</footer>""")

    title = "jatopic demo report (SYNTHETIC data)"
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{e(title)}</title><style>{CSS}</style></head><body>\n' + "\n".join(parts) + "\n</body></html>\n")


def write_report(summary: dict, out_dir, report_path=None) -> Path:
    out_dir = Path(out_dir)
    path = Path(report_path) if report_path else out_dir / "report.html"
    text = build_html(summary)
    tmp = path.with_suffix(".html.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Write the demo's HTML report from OUT/summary.json.")
    ap.add_argument("--out", default=str(REPO / "build" / "demo"), help="demo output directory (default build/demo)")
    ap.add_argument("--report", help="report file (default OUT/report.html)")
    a = ap.parse_args(argv)
    summary_path = Path(a.out) / "summary.json"
    try:
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        print(f"error: {summary_path}: {err}; run scripts/demo.py first", file=sys.stderr)
        return 1
    path = write_report(summary, a.out, a.report)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
