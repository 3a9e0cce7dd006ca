"""Charts for people who would rather look than read: a dyad's quad classes and Goldstein line.

Drawn with matplotlib's non-interactive Agg backend, so it works offline and
without a display; PNG or SVG is chosen by the file suffix. SVG output is
made reproducible (fixed hash salt, no date stamp) so charts can be diffed.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from eventwire.analysis import QUAD_COLUMNS
from eventwire.errors import ConfigError

__all__ = ["FORMATS", "plot_series"]

FORMATS = ("png", "svg")

_QUAD_STYLE = {
    "verbal_cooperation": ("Verbal cooperation", "#9ecae1"),
    "material_cooperation": ("Material cooperation", "#3182bd"),
    "verbal_conflict": ("Verbal conflict", "#fdae6b"),
    "material_conflict": ("Material conflict", "#e6550d"),
}
_LABEL_FORMAT = {"day": "%Y-%m-%d", "week": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}


def plot_series(series: pl.DataFrame, path: str | Path, *, title: str, by: str = "month") -> Path:
    """Stacked bars of events by quad class per period, with the mean Goldstein score
    on a second axis; ``series`` is a frame from ``analysis.dyad_series``."""
    path = Path(path)
    kind = path.suffix.lstrip(".").lower()
    if kind not in FORMATS:
        raise ConfigError(f"cannot draw {path.name!r}: use a .png or .svg file name")
    if not path.parent.exists():
        raise ConfigError(f"cannot write {path}: the folder {path.parent} does not exist")
    missing = [c for c in ("period", "goldstein_mean", *QUAD_COLUMNS) if c not in series.columns]
    if missing:
        raise ConfigError(f"the series has no column(s) {', '.join(missing)}; use dyad_series()")

    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    periods = series["period"].to_list()
    labels = [p.strftime(_LABEL_FORMAT.get(by, "%Y-%m-%d")) for p in periods]
    x = list(range(len(periods)))
    with plt.rc_context({"svg.hashsalt": "eventwire", "svg.fonttype": "path"}):
        fig, ax = plt.subplots(figsize=(max(6.0, min(0.35 * len(x) + 3, 24.0)), 4.5))
        try:
            bottom = [0] * len(x)
            for column in QUAD_COLUMNS:
                label, colour = _QUAD_STYLE[column]
                values = series[column].to_list()
                ax.bar(x, values, bottom=bottom, color=colour, label=label, width=0.8)
                bottom = [b + v for b, v in zip(bottom, values, strict=True)]
            ax.set_ylabel("events")
            ax.set_xticks(x, labels, rotation=90 if len(x) > 12 else 0, fontsize=8)
            ax.set_title(title)
            line = ax.twinx()
            goldstein = [float("nan") if v is None else v for v in series["goldstein_mean"]]
            line.plot(x, goldstein, color="black", marker="o", linewidth=1.5, label="Goldstein")
            line.axhline(0, color="grey", linewidth=0.5, linestyle=":")
            line.set_ylim(-10.5, 10.5)
            line.set_ylabel("mean Goldstein score")
            handles, names = ax.get_legend_handles_labels()
            more_handles, more_names = line.get_legend_handles_labels()
            ax.legend(
                handles + more_handles,
                names + more_names,
                loc="upper center",
                bbox_to_anchor=(0.5, -0.18 if len(x) <= 12 else -0.3),
                ncol=5,
                fontsize=8,
                frameon=False,
            )
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
            metadata = {"Date": None} if kind == "svg" else {}
            fig.savefig(path, format=kind, dpi=120, metadata=metadata, bbox_inches="tight")
        finally:
            plt.close(fig)
    return path
