"""The examples' figures, drawn with matplotlib from frg's DataFrames (or JSON dicts).

Every function returns a `matplotlib.figure.Figure` (no pyplot state: safe in scripts, tests
and notebooks, where the figure shows itself) at a journal's column width, with mathtext labels
($\\sigma_W$, $N^{-1}$, $u_4$), log axes labelled $10^n$ with minor ticks, error bars on measured
points, and a constrained layout. Save with `fig.savefig("name.pdf")` or `save(fig, path)`
(embedded TrueType fonts in PDF, 300 dpi PNG, tight bounding box).

| example folder               | function                                                    |
|------------------------------|-------------------------------------------------------------|
| m_n-vs-width                 | `m_n_vs_width(compare_df, "m4")`, `"m6"`                     |
| u4-vs-width                  | `u4_vs_width(compare_df, "u4")`, `"u6"`                      |
| couplings-vs-sigmaW          | `couplings_vs_sigmaW(compare_df, "u4")`, u6, lambda4, lambda6 |
| fixed-point-convergence      | `convergence(study_df, reference)`, `convergence_deviation(study_df, reference)` |
| nn-passive-flow              | `flow_reach(sweep_df)`, `microscopic_couplings(sweep_df)`    |
| (fixed-points studies)       | `dimension_sweep(study_df)`, `scaling_potential(potential_df)` |
| flows/*.yaml (passive)       | `passive_flow(flow_df)`; active flows `active_flow(flow_df)` |

The DataFrames are those of `frg.compare(...)`, `frg.fixed_points(..., format="csv")` and
`frg.flow(...)` (columns in docs/outputs.md); the same CSV files read with `pandas.read_csv`
work as well.
"""

from __future__ import annotations

import functools
import math
import re
from typing import Any, Mapping, Optional, Sequence, Union

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import (
    FixedLocator,
    FuncFormatter,
    LogFormatterMathtext,
    LogLocator,
    NullFormatter,
)

__all__ = [
    "compare_figure",
    "m_n_vs_width",
    "u4_vs_width",
    "couplings_vs_sigmaW",
    "convergence",
    "convergence_deviation",
    "dimension_sweep",
    "scaling_potential",
    "passive_flow",
    "active_flow",
    "flow_reach",
    "microscopic_couplings",
    "compare_frame",
    "coupling_symbol",
    "save",
    "COLUMN_WIDTH",
]

#: One column of a two-column journal page, in inches (figures are this wide by default).
COLUMN_WIDTH = 3.4

# Read when artists are created; so every function draws inside this context.
_STYLE = {
    "font.size": 9,
    "axes.labelsize": 9,
    "axes.titlesize": 9,
    "legend.fontsize": 7.5,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "xtick.direction": "in",
    "ytick.direction": "in",
    "xtick.top": True,
    "ytick.right": True,
    "xtick.minor.visible": True,
    "ytick.minor.visible": True,
    "xtick.major.size": 3.5,
    "ytick.major.size": 3.5,
    "xtick.minor.size": 2,
    "ytick.minor.size": 2,
    "axes.linewidth": 0.7,
    "lines.linewidth": 1.2,
    "lines.markersize": 3.5,
    "errorbar.capsize": 1.8,
    "legend.frameon": False,
    "legend.handlelength": 2.4,
    "figure.dpi": 150,
    "axes.formatter.use_mathtext": True,
}

# Read when a figure is saved.
_SAVE_STYLE = {"pdf.fonttype": 42, "ps.fonttype": 42, "savefig.dpi": 300}

# Okabe–Ito, as frg's SVG figures: distinguishable with the common colour-vision deficiencies.
_COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]


def _styled(function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with mpl.rc_context(_STYLE):
            return function(*args, **kwargs)

    return wrapper


def save(figure: Figure, path, **kwargs) -> None:
    """`figure.savefig(path)` with embedded TrueType fonts (PDF), 300 dpi and a tight box."""
    kwargs.setdefault("bbox_inches", "tight")
    with mpl.rc_context(_SAVE_STYLE):
        figure.savefig(path, **kwargs)


def _new_figure(height: float = 2.6, nrows: int = 1, sharex: bool = False, width: float = COLUMN_WIDTH):
    figure = Figure(figsize=(width, height), layout="constrained")
    axes = figure.subplots(nrows, 1, sharex=sharex, squeeze=False)[:, 0]
    return figure, axes


# ---------------------------------------------------------------- axes


def _mantissa_label(value: float, _position=None) -> str:
    """$m\\times10^{n}$ for m = 2 and 5 (minor ticks labelled when a log axis spans < 2 decades)."""
    if value <= 0:
        return ""
    exponent = math.floor(math.log10(value) + 1e-9)
    mantissa = round(value / 10**exponent)
    if mantissa not in (2, 5):
        return ""
    return rf"$\mathdefault{{{mantissa}\times10^{{{exponent}}}}}$"


def _log_axis(axis) -> None:
    """10ⁿ labels, minor ticks at 2…9×10ⁿ; 2× and 5× labelled too when under two decades."""
    axis.set_major_locator(LogLocator(base=10, numticks=12))
    axis.set_major_formatter(LogFormatterMathtext())
    axis.set_minor_locator(LogLocator(base=10, subs=np.arange(2, 10), numticks=12))
    low, high = sorted(axis.get_view_interval())
    if low > 0 and math.log10(high / low) < 2:
        axis.set_minor_formatter(FuncFormatter(_mantissa_label))
    else:
        axis.set_minor_formatter(NullFormatter())


def _symlog_axis(ax, values, which: str = "y") -> None:
    """A symmetric-log axis whose linear region (one decade wide on the page) ends at the
    smallest non-zero magnitude shown, as in frg's SVG figures: 0 and ±10ⁿ labelled, every
    `step`-th decade so that at most about six labels fall on each side and none crowds 0;
    the other decades as minor ticks."""
    magnitudes = np.abs(np.asarray(values, dtype=float))
    magnitudes = magnitudes[np.isfinite(magnitudes) & (magnitudes > 0)]
    if magnitudes.size == 0:
        return
    low = math.floor(math.log10(max(magnitudes.min(), magnitudes.max() * 1e-30)))
    high = math.ceil(math.log10(magnitudes.max()))
    threshold = 10.0**low
    setter = ax.set_yscale if which == "y" else ax.set_xscale
    setter("symlog", linthresh=threshold, linscale=1.0)
    step = max(1, math.ceil((high - low) / 6))
    # The first label above the linear region is `step` decades out, as far from 0 as the
    # labels are from each other.
    labelled = [e for e in range(high, low, -step) if e - low >= step]
    signs = [s for s in (1, -1) if ((np.asarray(values, dtype=float) * s) > 0).any()]
    majors = [0.0] + [s * 10.0**e for e in labelled for s in signs]
    minors = [s * 10.0**e for e in range(low, high + 1) if e not in labelled for s in signs]
    if high - low <= 6:
        minors += [s * m * 10.0**e for e in range(low, high) for m in range(2, 10) for s in signs]
    axis = ax.yaxis if which == "y" else ax.xaxis
    axis.set_major_locator(FixedLocator(sorted(majors)))
    axis.set_major_formatter(FuncFormatter(_signed_power_label))
    axis.set_minor_locator(FixedLocator(sorted(minors)))
    axis.set_minor_formatter(NullFormatter())


def _signed_power_label(value: float, _position=None) -> str:
    if value == 0:
        return r"$\mathdefault{0}$"
    exponent = round(math.log10(abs(value)))
    sign = "-" if value < 0 else ""
    return rf"$\mathdefault{{{sign}10^{{{exponent}}}}}$"


def _break_sign_changes(x, y):
    """x, y with a NaN between neighbours of opposite sign in y: on a symmetric-log axis a
    segment between them would fall through every decade to the linear region and back, a
    cliff that is not in the data."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    flips = np.nonzero(np.sign(y[:-1]) * np.sign(y[1:]) < 0)[0]
    return np.insert(x, flips + 1, np.nan), np.insert(y, flips + 1, np.nan)


def _finish_log_axes(ax) -> None:
    if ax.get_xscale() == "log":
        _log_axis(ax.xaxis)
    if ax.get_yscale() == "log":
        _log_axis(ax.yaxis)


def _legend(figure: Figure, ax, entries: int, handles=None) -> None:
    """Inside the axes where it hides least (few entries); below the axes otherwise. Entries
    in the order drawn (``handles``: (artist, label) pairs), measurements first."""
    if entries == 0:
        return
    extra = {} if handles is None else {"handles": [h for h, _ in handles], "labels": [l for _, l in handles]}
    if entries <= 4:
        ax.legend(loc="best", **extra)
    else:
        figure.legend(loc="outside lower center", ncols=2, **extra)


# ---------------------------------------------------------------- names

_OBSERVABLE = {
    "u4": r"u_4",
    "u6": r"u_6",
    "m4": r"\langle|m_4|\rangle",
    "m6": r"\langle|m_6|\rangle",
    "lambda4": r"\lambda_4",
    "lambda6": r"\lambda_6",
}
_VARIABLE = {"width": r"width $N$", "sigmaW": r"$\sigma_W$"}


def coupling_symbol(name: str) -> str:
    """frg's coupling name as mathtext: ``u4`` → ``u_{4}``, ``lambda2bar`` → ``\\bar{\\lambda}_{2}``,
    ``kappa`` → ``\\kappa``."""
    bar = name.endswith("bar")
    base = name[:-3] if bar else name
    match = re.fullmatch(r"([A-Za-z]+?)(\d*)", base)
    letters, index = (match.group(1), match.group(2)) if match else (base, "")
    greek = {"kappa", "lambda", "eta", "sigma", "nu", "omega", "phi", "rho"}
    symbol = "\\" + letters if letters in greek else letters
    if bar:
        symbol = rf"\bar{{{symbol}}}"
    return symbol + (f"_{{{index}}}" if index else "")


def _observable_symbol(observable: str) -> str:
    return _OBSERVABLE.get(observable, coupling_symbol(observable))


def _width_exponent(observable: str) -> int:
    return -2 if observable in ("u6", "lambda6") else -1


def _theory_label(series: str, observable: str, variable: str) -> str:
    x = "N" if variable == "width" else r"\sigma_W"
    labels = {
        "exact": r"exact finite-$N$",
        "scaling": rf"$\propto {x}^{{{_width_exponent(observable)}}}$ (amplitude fitted)",
        "fit": rf"free fit $A\,{x}^{{p}}$",
        "active-paper": "active flow, paper's law",
        "active-raw": "active flow, raw scaling",
        "passive": r"passive flow mapped onto $\sigma_W$",
        "background": r"background $\langle\sigma/|G_0|\rangle$",
        "measured": "measured",
        "companion": "measured (companion)",
    }
    return labels.get(series, series)


# ---------------------------------------------------------------- compare


def compare_frame(document: Mapping[str, Any]) -> pd.DataFrame:
    """A ``frg/compare/v1`` dict as the tidy table of ``frg compare --format csv`` (columns
    observable, variable, x, series, value, error), plus ``label`` (the estimator or theory
    label frg gives) and the theories' drawn curves (dense) instead of their values at the
    measured points."""
    rows = []
    variable = document["variable"]
    for study in document["studies"]:
        observable = study["observable"]

        def add(series, label, xs, values, errors=None):
            for i, (x, v) in enumerate(zip(xs, values)):
                if v is None:
                    continue
                rows.append({
                    "observable": observable, "variable": variable, "x": x, "series": series,
                    "value": v, "error": None if errors is None else errors[i], "label": label,
                })

        add("measured", f"measured ({study['estimator']})", study["x"],
            [m["value"] for m in study["measured"]], [m["error"] for m in study["measured"]])
        if study.get("companion"):
            add("companion", f"measured ({study['companionEstimator']})", study["x"],
                [m["value"] for m in study["companion"]], [m["error"] for m in study["companion"]])
        if study.get("background"):
            add("background", _theory_label("background", observable, variable), study["x"], study["background"])
        # Theories keep this module's mathtext labels (frg's are plain text with fit numbers).
        for theory in study.get("theories", []):
            curve = theory.get("curve") or {}
            add(theory["id"], None, curve.get("x", []), curve.get("y", []))
        for theory in study.get("untested", []) or []:
            add(theory["id"], None, theory.get("x", []), theory.get("y", []))
    return pd.DataFrame(rows, columns=["observable", "variable", "x", "series", "value", "error", "label"])


def _tidy_compare(frame: pd.DataFrame, observable: Optional[str]) -> pd.DataFrame:
    """The tidy table from either CSV of ``frg compare``: the long one (``--format csv``) as it
    is, or a per-observable file ``<observable>-vs-<variable>.csv`` (one row per swept value,
    a column per series) turned long."""
    if "series" in frame.columns:
        return frame
    if "measured" not in frame.columns:
        raise ValueError("not a compare table: neither a 'series' nor a 'measured' column")
    variable = "width" if "width" in frame.columns else "sigmaW"
    rows = []
    for column in frame.columns:
        if column == variable or column.endswith("Error"):
            continue
        error = frame.get(column + "Error")
        for i, (x, value) in enumerate(zip(frame[variable], frame[column])):
            if pd.notna(value):
                rows.append({"observable": observable or "value", "variable": variable, "x": x, "series": column,
                             "value": value, "error": None if error is None else error.iloc[i]})
    return pd.DataFrame(rows, columns=["observable", "variable", "x", "series", "value", "error"])


_COMPARE_LOOK = {
    "measured": dict(color=_COLORS[0], marker="o", linestyle="none", zorder=4),
    "companion": dict(color=_COLORS[1], marker="s", linestyle="none", markerfacecolor="white", zorder=3),
    "exact": dict(color="black", linestyle="-", linewidth=1.0, zorder=2),
    "background": dict(color="0.45", linestyle=":", linewidth=1.1, zorder=1),
    "scaling": dict(color=_COLORS[2], linestyle="--", zorder=2),
    "fit": dict(color=_COLORS[4], linestyle="-.", zorder=2),
    "active-paper": dict(color=_COLORS[3], linestyle="--", zorder=2),
    "active-raw": dict(color=_COLORS[2], linestyle="-.", zorder=2),
    "passive": dict(color=_COLORS[5], linestyle="-", linewidth=1.0, zorder=2),
}
_COMPARE_ORDER = ["measured", "companion", "exact", "scaling", "fit", "active-paper", "active-raw", "passive", "background"]


@_styled
def compare_figure(data: Union[pd.DataFrame, Mapping[str, Any]], observable: Optional[str] = None,
                   *, series: Optional[Sequence[str]] = None, labels: Optional[Mapping[str, str]] = None,
                   height: float = 2.7) -> Figure:
    """One observable of ``frg compare`` against the swept variable: measurements with error
    bars on top, the theories as lines, the background dotted.

    ``data``: the DataFrame of ``frg.compare(config)`` (or its CSV, or the JSON dict);
    ``observable``: ``u4``, ``u6``, ``m4``, ``m6``, ``lambda4``, ``lambda6`` (default: the first);
    ``series``: which series to draw (default all); ``labels``: legend labels by series.
    A quantity of one sign is drawn as |value| on log axes (the label says so when negative);
    one whose values change sign on a symmetric-log axis.
    """
    frame = compare_frame(data) if isinstance(data, Mapping) else _tidy_compare(data, observable)
    if observable is None:
        observable = frame["observable"].iloc[0]
    rows = frame[frame["observable"] == observable]
    if rows.empty:
        raise ValueError(f"no rows for observable {observable!r} (have {sorted(frame['observable'].unique())})")
    variable = rows["variable"].iloc[0]
    present = [s for s in _COMPARE_ORDER if s in set(rows["series"])]
    present += sorted(set(rows["series"]) - set(present))
    if series is not None:
        present = [s for s in present if s in series]
    signed = rows[rows["series"] != "background"]["value"].to_numpy(dtype=float)
    negative, positive = (signed < 0).any(), (signed > 0).any()
    flip = -1.0 if negative and not positive else 1.0
    mixed = negative and positive

    figure, (ax,) = _new_figure(height)
    symbol = _observable_symbol(observable)
    handles = []
    # The lowest thing drawn on a log axis: points and the lower ends of bars above zero.
    shown = rows[rows["series"].isin(present)]
    magnitude = (shown["value"].to_numpy(dtype=float) * np.where(shown["series"] == "background", 1.0, flip))
    lower = magnitude - (shown["error"].fillna(0).to_numpy(dtype=float) if "error" in shown else 0)
    candidates = np.concatenate([magnitude[magnitude > 0], lower[lower > 0]])
    floor = candidates.min() / 2 if candidates.size else 0.0
    for name in present:
        part = rows[rows["series"] == name].sort_values("x")
        x = part["x"].to_numpy(dtype=float)
        y = part["value"].to_numpy(dtype=float) * (1.0 if name == "background" else flip)
        label = (labels or {}).get(name)
        if label is None and "label" in part and isinstance(part["label"].iloc[0], str):
            label = part["label"].iloc[0]
        if label is None:
            label = _theory_label(name, observable, variable)
        look = dict(_COMPARE_LOOK.get(name, dict(linestyle="-")))
        if name in ("measured", "companion"):
            error = part["error"].to_numpy(dtype=float) if "error" in part else None
            if error is not None and np.isnan(error).all():
                error = None
            if error is not None and not mixed:
                # A bar that reaches zero cannot end on a log axis: it runs to the bottom of the
                # axis (set from the points and the bars that end above zero), which reads as
                # "consistent with zero" without stretching the axis over empty decades.
                error = np.vstack([np.minimum(error, y - floor), error])
            handles.append((ax.errorbar(x, y, yerr=error, label=label, elinewidth=0.8, markeredgewidth=0.8, **look), label))
        else:
            keep = np.isfinite(y) & ((y > 0) | mixed)
            (line,) = ax.plot(*(_break_sign_changes(x[keep], y[keep]) if mixed else (x[keep], y[keep])), label=label, **look)
            handles.append((line, label))
    ax.set_xscale("log")
    if mixed:
        _symlog_axis(ax, signed)
        ax.set_ylabel(rf"${symbol}$")
    else:
        ax.set_yscale("log")
        ax.set_ylim(bottom=floor)
        ax.set_ylabel(rf"$|{symbol}|$  (${symbol} < 0$)" if flip < 0 else rf"${symbol}$")
    ax.set_xlabel(_VARIABLE.get(variable, variable))
    _finish_log_axes(ax)
    _legend(figure, ax, len(present), handles)
    return figure


def m_n_vs_width(data, observable: str = "m4", **kwargs) -> Figure:
    """``examples/m_n-vs-width``: ⟨|m_n|⟩ against N, both estimators, the exact values, the
    1/N law and the background."""
    return compare_figure(data, observable, **kwargs)


def u4_vs_width(data, observable: str = "u4", **kwargs) -> Figure:
    """``examples/u4-vs-width``: |u4| (or |u6|) against N with the exact values and the 1/N
    (1/N²) law."""
    return compare_figure(data, observable, **kwargs)


def couplings_vs_sigmaW(data, observable: str = "u4", **kwargs) -> Figure:
    """``examples/couplings-vs-sigmaW``: a coupling against σ_W with the active-flow curves."""
    return compare_figure(data, observable, **kwargs)


# ---------------------------------------------------------------- fixed points

_EXPANSION = {"zero": r"about $\phi = 0$", "minimum": "about the minimum"}


def _reference(reference) -> Optional[Mapping[str, float]]:
    if reference is None:
        return None
    if "fullPotential" in reference:
        reference = reference["fullPotential"]
    return reference


@_styled
def convergence(data: pd.DataFrame, reference: Optional[Mapping[str, Any]] = None,
                height: float = 3.4) -> Figure:
    """``examples/fixed-point-convergence``: ν (top) and ω (bottom) against the order 2n, one
    series per expansion point, markers at every order; ``reference`` (``{"nu", "omega"}`` or the
    study's JSON with ``fullPotential``) as a horizontal line.

    ``data``: ``frg.fixed_points(convergence="4:64", expansion="both", format="csv")``.
    """
    reference = _reference(reference)
    figure, axes = _new_figure(height, nrows=2, sharex=True)
    markers = ["o", "s", "^", "D"]
    for ax, quantity, symbol in zip(axes, ["nu", "omega"], [r"\nu", r"\omega"]):
        for i, (expansion, part) in enumerate(data.groupby("expansion", sort=False)):
            part = part.sort_values("order")
            ax.plot(part["order"], part[quantity], marker=markers[i % 4], color=_COLORS[i],
                    markerfacecolor="white" if i % 2 else _COLORS[i], linestyle="-" if i == 0 else "--",
                    label=_EXPANSION.get(expansion, expansion))
        if reference and reference.get(quantity) is not None:
            ax.axhline(reference[quantity], color="0.3", linestyle=":", linewidth=0.9, label="full potential")
        ax.set_ylabel(rf"${symbol}$")
    axes[-1].set_xlabel(r"order $2n$ of the truncation")
    axes[0].legend(loc="upper right")
    return figure


@_styled
def convergence_deviation(data: pd.DataFrame, reference: Mapping[str, Any], height: float = 2.7) -> Figure:
    """``examples/fixed-point-convergence``: |ν(2n) − ν_full| and |ω(2n) − ω_full| on a log
    axis, per expansion point. Exact agreement (distance 0) cannot be drawn and is left out."""
    reference = _reference(reference)
    figure, (ax,) = _new_figure(height)
    markers = ["o", "s", "^", "D"]
    k = 0
    for i, (expansion, part) in enumerate(data.groupby("expansion", sort=False)):
        part = part.sort_values("order")
        for quantity, symbol, style in [("nu", r"\nu", "-"), ("omega", r"\omega", "--")]:
            distance = np.abs(part[quantity].to_numpy(dtype=float) - reference[quantity])
            keep = np.isfinite(distance) & (distance > 0)
            ax.plot(part["order"].to_numpy()[keep], distance[keep], linestyle=style, marker=markers[k % 4],
                    color=_COLORS[k], markerfacecolor="white" if quantity == "omega" else _COLORS[k],
                    label=rf"${symbol}$, {_EXPANSION.get(expansion, expansion)}")
            k += 1
    ax.set_yscale("log")
    ax.set_xlabel(r"order $2n$ of the truncation")
    ax.set_ylabel(r"$|\nu - \nu_\mathrm{full}|$, $|\omega - \omega_\mathrm{full}|$")
    _finish_log_axes(ax)
    ax.legend(loc="lower left")
    return figure


@_styled
def dimension_sweep(data: pd.DataFrame, height: float = 2.7) -> Figure:
    """``frg fixed-points --dimension-sweep``: ν and ω of the Wilson–Fisher point against the
    dimension d, markers at every d, with the mean-field values ν = 1/2, ω = 0 at d = 4 dotted."""
    figure, (ax,) = _new_figure(height)
    part = data.sort_values("dimension")
    ax.plot(part["dimension"], part["nu"], marker="o", color=_COLORS[0], label=r"$\nu$")
    ax.plot(part["dimension"], part["omega"], marker="s", markerfacecolor="white", linestyle="--",
            color=_COLORS[1], label=r"$\omega$")
    ax.axhline(0.5, color="0.5", linestyle=":", linewidth=0.8)
    ax.set_xlabel(r"dimension $d$")
    ax.set_ylabel(r"$\nu$, $\omega$")
    ax.legend(loc="best")
    return figure


@_styled
def scaling_potential(data: pd.DataFrame, height: float = 2.7) -> Figure:
    """``frg fixed-points --truncation full-potential``: the dimensionless scaling potential
    u(φ) − u(0) and its derivatives u′, u″ against the field φ."""
    figure, (ax,) = _new_figure(height)
    for i, (column, label, style) in enumerate([
        ("potentialMinusOrigin", r"$u(\phi) - u(0)$", "-"),
        ("firstDerivative", r"$u'(\phi)$", "--"),
        ("secondDerivative", r"$u''(\phi)$", ":"),
    ]):
        ax.plot(data["phi"], data[column], linestyle=style, color=_COLORS[i], label=label)
    ax.axhline(0, color="0.6", linewidth=0.6)
    ax.set_xlabel(r"field $\phi$ (dimensionless)")
    ax.legend(loc="best")
    return figure


# ---------------------------------------------------------------- flows


def _couplings_of_trajectory(columns: Sequence[str]) -> list[str]:
    return [c[:-3] for c in columns if c.endswith("bar") and c[:-3] in columns]


@_styled
def passive_flow(data: pd.DataFrame, dimensionless: bool = True, height: float = 2.7) -> Figure:
    """A passive flow (``frg.flow`` of a ``flow: passive`` config): every coupling against the RG
    time t = ln(k/Λ) on a symmetric-log axis (couplings of both signs over many decades).
    ``dimensionless=False`` draws the dimensionful couplings u instead of ū."""
    names = _couplings_of_trajectory(list(data.columns))
    if not names:
        raise ValueError("not a passive-flow table: no <name>bar columns beside <name> columns")
    figure, (ax,) = _new_figure(height)
    values = []
    styles = ["-", "--", ":", "-.", (0, (5, 1, 1, 1, 1, 1))]
    for i, name in enumerate(names):
        column = name + "bar" if dimensionless else name
        y = data[column].to_numpy(dtype=float)
        values.append(y)
        ax.plot(*_break_sign_changes(data["t"], y), color=_COLORS[i % len(_COLORS)], linestyle=styles[i % len(styles)],
                label=rf"${coupling_symbol(column)}$")
    _symlog_axis(ax, np.concatenate(values))
    ax.set_xlabel(r"RG time $t = \ln(k/\Lambda)$")
    ax.set_ylabel("dimensionless couplings" if dimensionless else "couplings")
    _legend(figure, ax, len(names))
    return figure


@_styled
def active_flow(data: pd.DataFrame, height: float = 2.7) -> Figure:
    """An active flow (``flow: active``): each coupling against σ_W, log–log; couplings of one
    sign drawn as magnitudes (negative ones as −u, and the legend says so), couplings that change
    sign on a symmetric-log axis."""
    names = [c for c in data.columns if c not in ("sigmaW", "k")]
    values = data[names].to_numpy(dtype=float)
    sign = -1.0 if (values < 0).all() else 1.0
    one_sign = (values * sign > 0).all()
    figure, (ax,) = _new_figure(height)
    for i, name in enumerate(names):
        y = data[name].to_numpy(dtype=float) * (sign if one_sign else 1.0)
        symbol = coupling_symbol(name)
        ax.plot(*(_break_sign_changes(data["sigmaW"], y) if not one_sign else (data["sigmaW"], y)),
                color=_COLORS[i % len(_COLORS)], linestyle=["-", "--", ":", "-."][i % 4],
                label=rf"$-{symbol}$" if one_sign and sign < 0 else rf"${symbol}$")
    ax.set_xscale("log")
    if one_sign:
        ax.set_yscale("log")
        ax.set_ylabel("couplings (negative: $-u$ shown)" if sign < 0 else "couplings")
    else:
        _symlog_axis(ax, values.ravel())
        ax.set_ylabel("couplings")
    ax.set_xlabel(r"$\sigma_W$")
    _finish_log_axes(ax)
    _legend(figure, ax, len(names))
    return figure


def _sweep_names(columns: Sequence[str]) -> list[str]:
    return [c[:-3] for c in columns if c.endswith("_ir")]


@_styled
def flow_reach(data: pd.DataFrame, height: float = 2.6) -> Figure:
    """``examples/nn-passive-flow`` (``reference``/``measured``): how far toward the UV the flow
    from the measured couplings gets, k_end/m0 against the width N; flows that reached the end
    and flows that blew up (the truncation fails) marked apart."""
    figure, (ax,) = _new_figure(height)
    reached = data["reached_end"].astype(int) == 1
    for mask, label, look in [
        (reached, "reached the end", dict(marker="o", color=_COLORS[0])),
        (~reached, "blew up (truncation fails)", dict(marker="v", color=_COLORS[1], markerfacecolor="white")),
    ]:
        if mask.any():
            ax.plot(data["width"][mask], data["k_end_over_m0"][mask], linestyle="none", label=label, **look)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(r"width $N$")
    ax.set_ylabel(r"$k_\mathrm{end}/m_0$")
    _finish_log_axes(ax)
    ax.legend(loc="best")
    return figure


@_styled
def microscopic_couplings(data: pd.DataFrame, height: float = 2.9) -> Figure:
    """``examples/nn-passive-flow`` (``stabilized``): the couplings where the flow ends (the
    microscopic ones, jackknife errors) against N, beside the measured IR couplings (dashed)."""
    names = _sweep_names(list(data.columns))
    figure, (ax,) = _new_figure(height)
    values = []
    for i, name in enumerate(names):
        color = _COLORS[i % len(_COLORS)]
        end, ir = data[f"{name}_end"].to_numpy(dtype=float), data[f"{name}_ir"].to_numpy(dtype=float)
        values += [end, ir]
        error = data.get(f"{name}_end_error")
        ax.errorbar(data["width"], end, yerr=None if error is None else error.to_numpy(dtype=float),
                    marker="os^D"[i % 4], linestyle="none", color=color, zorder=3,
                    label=rf"${coupling_symbol(name)}$ at the end")
        ax.plot(*_break_sign_changes(data["width"], ir), linestyle="--", color=color, linewidth=0.9, label=rf"${coupling_symbol(name)}$ measured (IR)")
    ax.set_xscale("log")
    _symlog_axis(ax, np.concatenate(values))
    ax.set_xlabel(r"width $N$")
    ax.set_ylabel(r"couplings (units of $m_0$)")
    _finish_log_axes(ax)
    _legend(figure, ax, 2 * len(names))
    return figure
