"""Charts drawn on the server as inline SVG (matplotlib, no pyplot state), so
they show without JavaScript and inside the static report. Text stays text
(svg.fonttype none): matplotlib escapes it, and the browser's fonts draw the
Vietnamese."""
from __future__ import annotations

import io

import matplotlib
from matplotlib.figure import Figure

from store.queries import AgencyLoad, IndicatorRow

HIGHLIGHT, NORMAL = "#d9480f", "#4c6ef5"
_STYLE = {"svg.fonttype": "none", "font.family": "sans-serif", "font.size": 9, "svg.hashsalt": "chitieu"}


def _svg(fig: Figure) -> str:
    buf = io.StringIO()
    with matplotlib.rc_context(_STYLE):
        fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buf.getvalue()
    return text[text.index("<svg"):]


def _label(text: str, width: int = 48) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def indicator_chart(rows: list[IndicatorRow], below: float | None) -> str | None:
    """Numeric targets across communes, lowest first; those below `below`
    in the highlight colour, with a line at `below`. None without numbers."""
    numeric = sorted((r for r in rows if r.value is not None), key=lambda r: (r.value, r.commune or ""))
    if not numeric:
        return None
    with matplotlib.rc_context(_STYLE):
        fig = Figure(figsize=(7, 0.6 + 0.24 * len(numeric)))
        ax = fig.subplots()
        colours = [HIGHLIGHT if below is not None and r.value < below else NORMAL for r in numeric]
        ax.barh(range(len(numeric)), [r.value for r in numeric], color=colours)
        ax.set_yticks(range(len(numeric)), [_label(f"{r.commune or '?'} · {r.source}") for r in numeric],
                      parse_math=False)
        ax.invert_yaxis()
        if below is not None:
            ax.axvline(below, color=HIGHLIGHT, linestyle="--", linewidth=1)
        unit = next((r.unit for r in numeric if r.unit), "")
        ax.set_xlabel(f"target ({unit})" if unit else "target", parse_math=False)
        ax.spines[["top", "right"]].set_visible(False)
        return _svg(fig)


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
