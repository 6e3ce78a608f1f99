"""Charts drawn on the server as inline SVG (matplotlib, no pyplot state), so
they show without JavaScript and inside the static report. Text stays text
(svg.fonttype none): matplotlib escapes it, and the browser's fonts draw the
Vietnamese."""

from __future__ import annotations

import io
from functools import lru_cache

import matplotlib
from matplotlib.figure import Figure

from chitieu.store.queries import AgencyLoad, IndicatorRow

HIGHLIGHT, NORMAL = "#d9480f", "#4c6ef5"
BARS = 40  # more targets than this are drawn as their distribution
_STYLE = {"svg.fonttype": "none", "font.family": "sans-serif", "font.size": 9, "svg.hashsalt": "chitieu"}


def _svg(fig: Figure, tight: bool = True) -> str:
    """The figure as an <svg> element; `tight` fits the margins to the labels
    (a second layout pass, so only where label widths vary)."""
    buf = io.StringIO()
    with matplotlib.rc_context(_STYLE):
        fig.savefig(buf, format="svg", bbox_inches="tight" if tight else None, metadata={"Date": None})
    text = buf.getvalue()
    return text[text.index("<svg") :]


def _label(text: str, width: int = 48) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def indicator_chart(rows: list[IndicatorRow], below: float | None) -> str | None:
    """Numeric targets across communes, those below `below` in the highlight
    colour with a line at `below`: one labelled bar per row up to BARS rows,
    else the distribution (a histogram). None without numbers."""
    numeric = sorted((r for r in rows if r.value is not None), key=lambda r: (r.value, r.commune or ""))
    if not numeric:
        return None
    unit = next((r.unit for r in numeric if r.unit), "") or ""
    values = tuple(r.value for r in numeric)
    if len(numeric) > BARS:
        return _histogram(values, below, unit)
    return _bars(tuple(_label(f"{r.commune or '?'} · {r.source}") for r in numeric), values, below, unit)


@lru_cache(maxsize=256)
def _bars(labels: tuple[str, ...], values: tuple[float, ...], below: float | None, unit: str) -> str:
    with matplotlib.rc_context(_STYLE):
        fig = Figure(figsize=(7, 0.6 + 0.24 * len(values)))
        ax = fig.subplots()
        ax.barh(range(len(values)), values, color=[_colour(v, below) for v in values])
        ax.set_yticks(range(len(values)), labels, parse_math=False)
        ax.invert_yaxis()
        _finish(ax, below, unit)
        return _svg(fig)


@lru_cache(maxsize=256)
def _histogram(values: tuple[float, ...], below: float | None, unit: str) -> str:
    with matplotlib.rc_context(_STYLE):
        fig = Figure(figsize=(7, 3))
        fig.subplots_adjust(left=0.09, right=0.98, bottom=0.16, top=0.88)
        ax = fig.subplots()
        _, edges, patches = ax.hist(values, bins=min(30, len(set(values))) or 1, color=NORMAL)
        for left, patch in zip(edges, patches):
            patch.set_facecolor(_colour(left, below))
        n_below = sum(below is not None and v < below for v in values)
        ax.set_ylabel("targets")
        if below is not None:
            ax.set_title(f"{n_below} of {len(values)} targets below {below:g}", loc="left", parse_math=False)
        _finish(ax, below, unit)
        return _svg(fig, tight=False)


def _colour(value: float, below: float | None) -> str:
    return HIGHLIGHT if below is not None and value < below else NORMAL


def _finish(ax, below: float | None, unit: str) -> None:
    if below is not None:
        ax.axvline(below, color=HIGHLIGHT, linestyle="--", linewidth=1)
    ax.set_xlabel(f"target ({unit})" if unit else "target", parse_math=False)
    ax.spines[["top", "right"]].set_visible(False)


def agency_chart(loads: list[AgencyLoad], top: int = 15) -> str | None:
    """Targets led and coordinated by the `top` agencies that lead most."""
    loads = loads[:top]
    if not loads:
        return None
    with matplotlib.rc_context(_STYLE):
        fig = Figure(figsize=(7, 0.8 + 0.3 * len(loads)))
        ax = fig.subplots()
        ys = range(len(loads))
        lead = [a.counts.get("lead", 0) for a in loads]
        coord = [a.counts.get("coordinate", 0) for a in loads]
        ax.barh(ys, lead, color=HIGHLIGHT, label="lead")
        ax.barh(ys, coord, left=lead, color=NORMAL, label="coordinate")
        ax.set_yticks(ys, [_label(a.unit) for a in loads], parse_math=False)
        ax.invert_yaxis()
        ax.set_xlabel("targets")
        ax.legend(loc="lower right", frameon=False)
        ax.spines[["top", "right"]].set_visible(False)
        return _svg(fig)
