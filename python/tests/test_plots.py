"""Every figure function on real frg output: a Figure that saves as PNG and PDF, with the
axes a paper needs (log scales with 10ⁿ labels and minor ticks, mathtext labels, error bars
on measurements, sign changes broken on symmetric-log axes)."""

import numpy as np
import pandas as pd
import pytest
from matplotlib.container import ErrorbarContainer
from matplotlib.figure import Figure

import frg.plots as plots


def saved(figure, tmp_path, name):
    """Saves PNG and PDF; checks their magic numbers and that they are not empty."""
    assert isinstance(figure, Figure)
    for suffix, magic in [("png", b"\x89PNG\r\n\x1a\n"), ("pdf", b"%PDF-")]:
        path = tmp_path / f"{name}.{suffix}"
        plots.save(figure, path)
        data = path.read_bytes()
        assert data.startswith(magic) and len(data) > 5000, f"{path.name}: {len(data)} bytes"
    figure.canvas.draw()  # lays out the tick labels that the checks below read


def tick_texts(axis, minor=False):
    return [t.get_text() for t in axis.get_ticklabels(minor=minor) if t.get_text()]


def assert_powers_of_ten(axis):
    """Every visible major label is mathtext 10^{n} (or ±10^{n}, 0 on a symmetric-log axis)."""
    low, high = sorted(axis.get_view_interval())
    labels = [t.get_text() for t, loc in zip(axis.get_ticklabels(), axis.get_ticklocs()) if low <= loc <= high]
    assert len(labels) >= 2, labels
    for text in labels:
        assert text == r"$\mathdefault{0}$" or "10^{" in text, f"label {text!r} is not 10ⁿ"


def errorbars(ax):
    return [c for c in ax.containers if isinstance(c, ErrorbarContainer)]


def test_m_n_vs_width(compare_csv, tmp_path):
    figure = plots.m_n_vs_width(compare_csv, "m4")
    saved(figure, tmp_path, "m4")
    ax = figure.axes[0]
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert ax.get_ylabel() == r"$\langle|m_4|\rangle$" and "$N$" in ax.get_xlabel()
    assert_powers_of_ten(ax.xaxis)
    assert len(ax.xaxis.get_minorticklocs()) >= 8, "minor ticks 2…9×10ⁿ"
    assert len(errorbars(ax)) == 2, "measured and companion with error bars"
    legend = figure.legends[0] if figure.legends else ax.get_legend()
    texts = [t.get_text() for t in legend.get_texts()]
    assert texts[0] == "measured" and any("background" in t for t in texts)


def test_u4_vs_width_draws_the_magnitude_of_a_negative_coupling(compare_csv, tmp_path):
    figure = plots.u4_vs_width(compare_csv, "u4")
    saved(figure, tmp_path, "u4")
    ax = figure.axes[0]
    assert ax.get_ylabel() == r"$|u_4|$  ($u_4 < 0$)"
    measured = compare_csv[(compare_csv["observable"] == "u4") & (compare_csv["series"] == "measured")].sort_values("x")
    points = errorbars(ax)[0].lines[0].get_ydata()
    np.testing.assert_array_equal(points, -measured["value"].to_numpy())
    assert_powers_of_ten(ax.yaxis)


def test_compare_figure_from_the_json_document_draws_the_dense_curves(compare_json, tmp_path):
    figure = plots.compare_figure(compare_json, "u4")
    saved(figure, tmp_path, "u4-json")
    ax = figure.axes[0]
    legend = figure.legends[0] if figure.legends else ax.get_legend()
    assert "measured (marginal)" in [t.get_text() for t in legend.get_texts()]
    study = next(s for s in compare_json["studies"] if s["observable"] == "u4")
    exact = next(t for t in study["theories"] if t["id"] == "exact")
    assert max(len(line.get_xdata()) for line in ax.lines) >= len(exact["curve"]["x"])


def test_couplings_vs_sigmaW(binary, scratch, tmp_path):
    import frg
    config = {"sampler": {"width": 10, "sigmaB": 1, "netsPerBag": 200, "bags": 4, "seed": 2, "estimator": "marginal",
                          "inputs": [-0.01, -0.002, 0.006]},
              "sweep": {"sigmaW": [1, 2, 5, 10, 20]}, "observables": ["u4", "lambda4"]}
    frame = frg.compare(config, binary=binary, cwd=scratch, no_cache=True)
    figure = plots.couplings_vs_sigmaW(frame, "u4")
    saved(figure, tmp_path, "u4-sigmaW")
    ax = figure.axes[0]
    assert ax.get_xlabel() == r"$\sigma_W$"
    labels = [t.get_text() for t in (figure.legends[0] if figure.legends else ax.get_legend()).get_texts()]
    assert "active flow, paper's law" in labels and "active flow, raw scaling" in labels
    # Under two decades of σ_W: 2×10⁰ and 5×10⁰ labelled too, in the same notation.
    assert any(r"2\times10^{0}" in t for t in tick_texts(ax.xaxis, minor=True))
    assert plots.couplings_vs_sigmaW(frame, "lambda4").axes[0].get_ylabel().startswith(r"$|\lambda_4|$")


def test_per_observable_csv_file_is_accepted(compare_csv, tmp_path):
    # The wide file frg compare writes per observable (one row per width, a column per series).
    rows = compare_csv[compare_csv["observable"] == "u4"]
    wide = rows.pivot(index="x", columns="series", values="value").reset_index().rename(columns={"x": "width"})
    wide["measuredError"] = rows[rows["series"] == "measured"].set_index("x")["error"].to_numpy()
    path = tmp_path / "u4-vs-width.csv"
    wide.to_csv(path, index=False)
    figure = plots.u4_vs_width(pd.read_csv(path), "u4")
    saved(figure, tmp_path, "u4-wide")
    measured, companion = errorbars(figure.axes[0])
    assert measured.has_yerr and not companion.has_yerr, "an error column only for the measured series"


def test_convergence(study_csv, study_json, tmp_path):
    figure = plots.convergence(study_csv, study_json)
    saved(figure, tmp_path, "convergence")
    top, bottom = figure.axes
    assert top.get_ylabel() == r"$\nu$" and bottom.get_ylabel() == r"$\omega$"
    markers = [line for line in top.lines if line.get_marker() not in ("None", "", None)]
    assert len(markers) == 2 and all(len(line.get_xdata()) == 7 for line in markers), "a marker at every order"
    assert len({line.get_marker() for line in markers}) == 2 and len({line.get_linestyle() for line in markers}) == 2
    reference = [line for line in top.lines if line.get_marker() in ("None", "", None)]
    assert reference and reference[0].get_ydata()[0] == study_json["fullPotential"]["nu"]


def test_convergence_deviation(study_csv, study_json, tmp_path):
    figure = plots.convergence_deviation(study_csv, study_json["fullPotential"])
    saved(figure, tmp_path, "deviation")
    ax = figure.axes[0]
    assert ax.get_yscale() == "log"
    assert_powers_of_ten(ax.yaxis)
    assert len(ax.lines) == 4 and r"\nu_\mathrm{full}" in ax.get_ylabel()
    for line in ax.lines:
        assert (line.get_ydata() > 0).all()


def test_passive_flow_breaks_lines_at_sign_changes(passive_csv, tmp_path):
    figure = plots.passive_flow(passive_csv)
    saved(figure, tmp_path, "passive")
    ax = figure.axes[0]
    assert ax.get_yscale() == "symlog"
    assert_powers_of_ten(ax.yaxis)
    assert r"$\mathdefault{0}$" in tick_texts(ax.yaxis), "0 is labelled"
    assert [line.get_label() for line in ax.lines] == [r"$\bar{u}_{2}$", r"$\bar{u}_{4}$", r"$\bar{u}_{6}$"]
    for line in ax.lines:
        y = np.asarray(line.get_ydata(), dtype=float)
        finite = np.isfinite(y)
        neighbours = finite[:-1] & finite[1:]
        assert not (np.sign(y[:-1]) * np.sign(y[1:]) < 0)[neighbours].any(), "a segment crosses zero"
    # Every sign change of a coupling is a gap in its line rather than a cliff.
    changes = sum(int((np.sign(passive_csv[c][:-1].to_numpy()) * np.sign(passive_csv[c][1:].to_numpy()) < 0).sum())
                  for c in ["u2bar", "u4bar", "u6bar"])
    gaps = sum(int(np.isnan(np.asarray(line.get_ydata(), dtype=float)).sum()) for line in ax.lines)
    assert gaps == changes


def test_active_flow(active_csv, tmp_path):
    figure = plots.active_flow(active_csv)
    saved(figure, tmp_path, "active")
    ax = figure.axes[0]
    # Both couplings are negative: their magnitudes on log–log axes, the legend saying −u.
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert ax.get_xlabel() == r"$\sigma_W$"
    assert [line.get_label() for line in ax.lines] == ["$-u_{4}$", "$-u_{6}$"]
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), -active_csv["u4"].to_numpy())
    assert_powers_of_ten(ax.yaxis)
    # A coupling that changes sign goes on a symmetric-log axis, its line broken at the change.
    mixed = active_csv.assign(u4=active_csv["u4"] * np.sign(active_csv["sigmaW"] - 4))
    ax = plots.active_flow(mixed).axes[0]
    assert ax.get_yscale() == "symlog"
    assert np.isnan(np.asarray(ax.lines[0].get_ydata(), dtype=float)).sum() == 1


def test_flow_reach_and_microscopic_couplings(sweep_csv, tmp_path):
    reach = plots.flow_reach(sweep_csv)
    saved(reach, tmp_path, "reach")
    ax = reach.axes[0]
    assert ax.get_ylabel() == r"$k_\mathrm{end}/m_0$"
    assert sum(len(line.get_xdata()) for line in ax.lines) == len(sweep_csv)
    couplings = plots.microscopic_couplings(sweep_csv)
    saved(couplings, tmp_path, "microscopic")
    ax = couplings.axes[0]
    assert len(errorbars(ax)) == 3, "u2, u4, u6 at the end, with jackknife errors"
    assert ax.get_yscale() == "symlog"
    assert_powers_of_ten(ax.yaxis)


def test_coupling_symbols():
    assert plots.coupling_symbol("u4") == "u_{4}"
    assert plots.coupling_symbol("lambda2bar") == r"\bar{\lambda}_{2}"
    assert plots.coupling_symbol("kappa") == r"\kappa"
    assert plots.coupling_symbol("z1") == "z_{1}"


def test_unknown_observable_is_a_clear_error(compare_csv):
    with pytest.raises(ValueError, match="u6"):
        plots.compare_figure(compare_csv, "u6")


def test_dimension_sweep_and_scaling_potential(binary, tmp_path):
    import frg
    sweep = frg.fixed_points(order=8, dimension_sweep="3.9:2.5:0.2", format="csv", binary=binary)
    figure = plots.dimension_sweep(sweep)
    saved(figure, tmp_path, "sweep")
    ax = figure.axes[0]
    assert [len(line.get_xdata()) for line in ax.lines[:2]] == [len(sweep)] * 2
    # Sorted by d: ν falls toward the mean-field 1/2 as d → 4 (LPA: ν ≈ 0.65 at d = 3).
    nu = ax.lines[0].get_ydata()
    assert 0.5 < nu[-1] < nu[0] < 0.7
    potential = frg.fixed_points(dimension=3, truncation="full-potential", format="csv", binary=binary)
    figure = plots.scaling_potential(potential)
    saved(figure, tmp_path, "potential")
    assert len(figure.axes[0].lines) == 4
