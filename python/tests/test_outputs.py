"""The real binary through the package: DataFrame columns and dtypes as docs/outputs.md states
them, stdin configs equal to file configs, --set, errors as exceptions."""

import json
import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from pandas.api.types import is_float_dtype, is_integer_dtype, is_string_dtype

import frg

from conftest import ACTIVE_FLOW, COMPARE, PASSIVE_FLOW, SAMPLE


def test_fixed_point_study_is_one_tidy_row_per_series_and_order(study_csv):
    # Orders 4, 6, …, 16 for both expansion points.
    assert len(study_csv) == 2 * 7
    assert list(study_csv.columns[:13]) == ["scheme", "truncation", "expansion", "regulator", "prefactor", "dimension",
                                            "order", "kind", "nu", "omega", "eta", "relevantDirections", "residual"]
    assert is_integer_dtype(study_csv["order"]) and is_integer_dtype(study_csv["relevantDirections"])
    for column in ["dimension", "nu", "omega", "residual", "theta1Re", "theta1Im"]:
        assert is_float_dtype(study_csv[column]), column
    assert set(study_csv["expansion"]) == {"zero", "minimum"}
    assert sorted(study_csv.groupby("expansion")["order"].apply(list)["zero"]) == list(range(4, 18, 2))
    # ν at φ¹⁶ about the minimum: within 2e-4 of the full-potential LPA value 0.649562
    # (README of examples/fixed-point-convergence: the expansion converges oscillating).
    row = study_csv[(study_csv["expansion"] == "minimum") & (study_csv["order"] == 16)].iloc[0]
    assert abs(row["nu"] - 0.649562) < 2e-4
    # Eigenvalues as Re/Im columns; ω is the smallest positive real eigenvalue.
    res = row[[c for c in study_csv.columns if c.startswith("theta") and c.endswith("Re")]].dropna().to_numpy(float)
    assert min(v for v in res if v > 0) == pytest.approx(row["omega"], rel=1e-12)


def test_study_json_matches_its_csv(study_json, study_csv):
    assert study_json["schema"] == "frg/fixed-point-study/v1"
    assert list(study_json)[:2] == ["schema", "frgVersion"]
    nu = {(s["truncation"]["expansion"], step["order"]): step["fixedPoint"]["nu"]
          for s in study_json["series"] for step in s["steps"]}
    for _, row in study_csv.iterrows():
        assert nu[(row["expansion"], row["order"])] == row["nu"], "the same shortest round-trip decimal"
    assert study_json["fullPotential"]["nu"] == pytest.approx(0.649561773881, abs=1e-9)


def test_beta_coefficients_are_exact_rationals(binary):
    document = frg.beta(dimension=3, order=6, binary=binary)
    assert document["schema"] == "frg/beta/v1"
    assert document["couplings"] == ["u2", "u4", "u6"]
    for equation in document["equations"]:
        for term in equation["terms"]:
            exact = Fraction(term["coefficient"])
            assert float(exact) == pytest.approx(term["coefficientValue"], rel=1e-15)
    table = frg.beta(dimension=3, order=6, format="csv", binary=binary)
    assert {"coupling", "term", "coefficient", "coefficientValue", "u2", "u4", "u6"} <= set(table.columns)
    assert is_integer_dtype(table["term"]) and is_integer_dtype(table["u4"])
    assert len(table) == sum(len(e["terms"]) for e in document["equations"])


def test_passive_flow_from_a_dict_on_stdin(passive_csv):
    assert list(passive_csv.columns) == ["t", "k", "u2bar", "u4bar", "u6bar", "u2", "u4", "u6"]
    assert all(is_float_dtype(passive_csv[c]) for c in passive_csv.columns)
    assert len(passive_csv) == PASSIVE_FLOW["range"]["samples"]
    # t = ln(k/Λ) from 0 to tEnd; ū = k^{-D} u with D = 2, 4 − d·1 … in d = 1: u2bar = u2/k².
    assert passive_csv["t"].iloc[0] == 0 and passive_csv["t"].iloc[-1] == pytest.approx(-4)
    np.testing.assert_allclose(passive_csv["k"], np.exp(passive_csv["t"]) * 10, rtol=1e-12)
    np.testing.assert_allclose(passive_csv["u2bar"], passive_csv["u2"] / passive_csv["k"] ** 2, rtol=1e-10)


def test_stdin_config_gives_the_same_flow_as_the_file(binary, passive_csv, tmp_path):
    path = tmp_path / "flow.yaml"
    path.write_text(json.dumps(PASSIVE_FLOW))
    pd.testing.assert_frame_equal(frg.flow(path, binary=binary), passive_csv)


def test_set_overrides_a_key_and_is_validated(binary):
    frame = frg.flow(PASSIVE_FLOW, binary=binary, set={"range.samples": 11})
    assert len(frame) == 11
    with pytest.raises(frg.FrgInputError) as caught:
        frg.flow(PASSIVE_FLOW, binary=binary, set={"range.sampels": 11})
    assert caught.value.returncode == 2
    assert "--set" in caught.value.message and "range.sampels" in caught.value.message
    assert "samples" in caught.value.message, "the allowed keys are named"


def test_invalid_stdin_config_names_stdin(binary):
    config = json.loads(json.dumps(PASSIVE_FLOW))
    config["range"]["samples"] = "many"
    with pytest.raises(frg.FrgInputError) as caught:
        frg.flow(config, binary=binary)
    assert "<stdin>" in caught.value.message and "range.samples" in caught.value.message
    assert caught.value.returncode == 2


def test_output_frg_never_replaces_is_refused_before_running(binary):
    # frg never writes over a folder (docs: the output-file policy): exit 2, the reason in the message.
    with pytest.raises(frg.FrgInputError) as caught:
        frg.flow(PASSIVE_FLOW, binary=binary, output="/")
    assert caught.value.returncode == 2
    assert "it is a folder" in caught.value.message


def test_active_flow_columns(active_csv):
    assert list(active_csv.columns) == ["sigmaW", "k", "u4", "u6"]
    assert len(active_csv) == ACTIVE_FLOW["active"]["samples"]
    # The paper's law in d = 1: u4 ∝ σ_W^{+3}, u6 ∝ σ_W^{+4} (CVODE, relative tolerance ~1e-8).
    s = active_csv["sigmaW"].to_numpy()
    np.testing.assert_allclose(active_csv["u4"], -12.8296 * s**3, rtol=1e-5)
    np.testing.assert_allclose(active_csv["u6"], -21225.0 * s**4, rtol=1e-5)


def test_measured_sweep_columns(sweep_csv):
    assert is_integer_dtype(sweep_csv["width"]) and is_integer_dtype(sweep_csv["reached_end"])
    assert list(sweep_csv["width"]) == [10, 20, 50, 100, 200, 500, 1000]
    for name in ["u2", "u4", "u6"]:
        for suffix in ["_ir", "_ir_error", "_end", "_end_error"]:
            assert is_float_dtype(sweep_csv[name + suffix]), name + suffix
    # u2 = m0² = 2σ_W²/d = 2 at the start, for every width.
    np.testing.assert_allclose(sweep_csv["u2_ir"], 2.0, rtol=1e-12)


def test_sample_is_one_tidy_row_per_order_and_combination(sample_csv):
    assert list(sample_csv.columns[:10]) == ["order", "combination", "points", "mean", "background", "standardError",
                                             "gaussian", "deviation", "relativeDeviation", "exactRelativeDeviation"]
    assert is_integer_dtype(sample_csv["order"]) and set(sample_csv["order"]) == {2, 4, 6}
    assert is_string_dtype(sample_csv["combination"])
    # Three inputs: multisets of size n from {1, 2, 3}: C(3+n−1, n) = 6, 15, 28 combinations.
    counts = sample_csv.groupby("order").size().to_dict()
    assert counts == {2: 6, 4: 15, 6: 28}
    first = [int(i) for i in sample_csv["combination"].iloc[0].split()]
    assert min(first) == 1, "combinations count inputs from 1"
    quartic = sample_csv[sample_csv["order"] == 4]
    assert quartic["coupling"].notna().all() and sample_csv[sample_csv["order"] == 2]["coupling"].isna().all()


def test_sample_json_counts_as_the_csv(binary, scratch, sample_csv):
    document = frg.sample(SAMPLE, format="json", binary=binary, cwd=scratch)
    assert document["schema"] == "frg/measurement/v1"
    four = next(c for c in document["correlators"] if c["order"] == 4)
    csv_combinations = list(sample_csv[sample_csv["order"] == 4]["combination"])
    assert [" ".join(str(i) for i in c) for c in four["combinations"]] == csv_combinations


def test_compare_is_one_tidy_table_of_every_observable(compare_csv):
    assert list(compare_csv.columns) == ["observable", "variable", "x", "series", "value", "error"]
    assert set(compare_csv["observable"]) == {"u4", "m4"}
    assert set(compare_csv["variable"]) == {"width"}
    assert {"measured", "companion", "exact"} <= set(compare_csv["series"])
    assert is_float_dtype(compare_csv["value"]) and is_float_dtype(compare_csv["error"])
    measured = compare_csv[(compare_csv["series"] == "measured") & (compare_csv["observable"] == "u4")]
    assert sorted(measured["x"]) == COMPARE["sweep"]["widths"]
    assert (measured["error"] > 0).all() and (measured["value"] < 0).all(), "u4 < 0, signed values"
    assert compare_csv[compare_csv["series"] == "exact"]["error"].isna().all()


def test_compare_json_matches_its_csv(compare_json, compare_csv):
    assert compare_json["schema"] == "frg/compare/v1"
    study = next(s for s in compare_json["studies"] if s["observable"] == "u4")
    rows = compare_csv[(compare_csv["observable"] == "u4") & (compare_csv["series"] == "measured")].sort_values("x")
    assert [m["value"] for m in study["measured"]] == list(rows["value"])
