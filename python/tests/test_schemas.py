"""Every JSON document frg writes validates against its published schema (schemas/, JSON
Schema draft 2020-12): the committed ones under examples/ and fresh ones from every
subcommand, CSV sidecars included. A document names its schema in its first key."""

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

import frg

from conftest import ACTIVE_FLOW, COMPARE, PASSIVE_FLOW, REPO, SAMPLE

SCHEMAS = REPO / "schemas"


def _schema_files():
    return sorted(SCHEMAS.glob("*.v1.schema.json"))


@pytest.fixture(scope="module")
def registry():
    resources = []
    for path in _schema_files():
        schema = json.loads(path.read_text())
        resources.append((schema["$id"], Resource.from_contents(schema)))
    return Registry().with_resources(resources)


def validate(document, registry):
    """Validates against the schema the document names; returns the schema's name."""
    assert isinstance(document, dict) and list(document)[:2] == ["schema", "frgVersion"], \
        f"first keys {list(document)[:2]}, not schema and frgVersion"
    name = document["schema"]
    assert name.startswith("frg/") and name.endswith("/v1"), name
    path = SCHEMAS / f"{name.split('/')[1]}.v1.schema.json"
    assert path.is_file(), f"{name}: no schema file {path.name}"
    validator = Draft202012Validator(json.loads(path.read_text()), registry=registry)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    assert not errors, f"{name}: " + "; ".join(f"{list(e.absolute_path)}: {e.message[:200]}" for e in errors[:5])
    return name


def test_every_schema_file_is_a_valid_draft_2020_12_schema_named_by_its_id():
    files = _schema_files()
    assert {p.name for p in files} >= {f"{n}.v1.schema.json" for n in [
        "beta", "fixed-points", "fixed-point-study", "full-potential", "flow", "measurement", "compare", "meta"]}
    for path in files:
        schema = json.loads(path.read_text())
        Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema", path.name
        assert schema["$id"] == f"frg/{path.name.removesuffix('.v1.schema.json')}/v1", path.name


def _example_documents():
    return sorted(p for p in (REPO / "examples").rglob("*.json") if ".frg-" not in str(p))


@pytest.mark.parametrize("path", _example_documents(), ids=lambda p: str(p.relative_to(REPO)))
def test_committed_example_validates(path, registry):
    validate(json.loads(path.read_text()), registry)


def test_examples_hold_json_documents():
    assert len(_example_documents()) >= 8, "examples/ lost its JSON documents (measurements, sidecars)"


def test_a_document_that_breaks_its_schema_is_caught(registry, binary):
    # The validation can fail: an unknown key and a wrong type in a real document.
    document = frg.beta(dimension=3, order=4, binary=binary)
    validate(document, registry)
    broken = dict(document, couplings="u2 u4")
    with pytest.raises(AssertionError, match="couplings"):
        validate(broken, registry)


FRESH = {
    "beta": lambda b: frg.beta(dimension=3, order=6, binary=b),
    "beta-at": lambda b: frg.beta(dimension=3, order=4, at="u2=-0.1,u4=0.5", binary=b),
    "beta-derivative2": lambda b: frg.beta(dimension=3, order=4, truncation="derivative2", expansion="minimum", binary=b),
    "fixed-points": lambda b: frg.fixed_points(dimension=3, order=6, binary=b),
    "fixed-points-minimum": lambda b: frg.fixed_points(dimension=3, order=8, expansion="minimum", binary=b),
    "convergence": lambda b: frg.fixed_points(dimension=3, expansion="both", convergence="4:12", binary=b),
    "dimension-sweep": lambda b: frg.fixed_points(order=8, dimension_sweep="3.9:3:0.3", binary=b),
    "full-potential": lambda b: frg.fixed_points(dimension=3, truncation="full-potential", binary=b),
    "full-derivative2": lambda b: frg.fixed_points(dimension=3, scheme="polchinski", truncation="derivative2",
                                                   expansion="full", regulator="exponential", binary=b),
    "flow-passive": lambda b: frg.flow(PASSIVE_FLOW, format="json", binary=b),
    "flow-active": lambda b: frg.flow(ACTIVE_FLOW, format="json", binary=b),
    "flow-measured-sweep": lambda b: frg.flow(REPO / "examples/nn-passive-flow/reference.yaml", format="json", binary=b),
    "flow-full-potential": lambda b: frg.flow(REPO / "flows/full-potential-d3-broken.yaml", format="json", binary=b,
                                              set={"truncation.gridPoints": 101, "range.samples": 5}),
}


@pytest.mark.parametrize("kind", sorted(FRESH))
def test_fresh_output_validates(kind, binary, registry):
    expected = {"beta": "beta", "fixed": "fixed-points", "convergence": "fixed-point-study",
                "dimension": "fixed-point-study", "full": "full-potential", "flow": "flow"}
    name = validate(FRESH[kind](binary), registry)
    assert name == f"frg/{expected[kind.split('-')[0]]}/v1"


def test_fresh_sample_and_compare_validate(binary, scratch, registry):
    assert validate(frg.sample(SAMPLE, format="json", binary=binary, cwd=scratch), registry) == "frg/measurement/v1"
    assert validate(frg.compare(COMPARE, format="json", binary=binary, cwd=scratch, no_cache=True),
                    registry) == "frg/compare/v1"


def test_fresh_activation_net_sample_and_cutoff_sweep_validate(binary, scratch, registry):
    # A ReLU-net measurement with a cutoff (settings.cutoff) and a cutoff sweep (variable cutoff).
    relu = {"architecture": "relu", "width": 3, "sigmaB": 0, "netsPerBag": 50, "bags": 3, "cutoff": 2,
            "inputs": [0.2, 0.6, 1.0]}
    measurement = frg.sample(relu, format="json", binary=binary, cwd=scratch)
    assert validate(measurement, registry) == "frg/measurement/v1"
    assert measurement["settings"]["cutoff"] == 2 and "hms" in measurement["conventions"]
    sweep = {"sampler": {k: v for k, v in relu.items() if k != "cutoff"}, "sweep": {"cutoffs": [0.5, 1, 2]}}
    document = frg.compare(sweep, format="json", binary=binary, cwd=scratch, no_cache=True)
    assert validate(document, registry) == "frg/compare/v1"
    assert document["variable"] == "cutoff"


@pytest.mark.parametrize("command, config", [
    ("flow", PASSIVE_FLOW), ("sample", SAMPLE),
])
def test_csv_written_to_a_file_has_a_valid_sidecar(command, config, binary, tmp_path, registry):
    target = tmp_path / "out.csv"
    frg.run(command, config, format="csv", output=str(target), binary=binary, cwd=tmp_path)
    sidecar = Path(str(target) + ".meta.json")
    meta = json.loads(sidecar.read_text())
    assert validate(meta, registry) == "frg/meta/v1"
    import pandas as pd
    assert list(pd.read_csv(target).columns) == meta["columns"]
    assert meta["data"] == "out.csv"


def test_fixed_point_study_csv_sidecar(binary, tmp_path, registry):
    target = tmp_path / "convergence.csv"
    frg.fixed_points(dimension=3, expansion="both", convergence="4:8", format="csv", output=str(target), binary=binary)
    meta = json.loads(Path(str(target) + ".meta.json").read_text())
    assert validate(meta, registry) == "frg/meta/v1"
    assert meta["describes"] == "frg/fixed-point-study/v1"


def _example_tables():
    return sorted((REPO / "examples").rglob("*.csv"))


@pytest.mark.parametrize("path", _example_tables(), ids=lambda p: str(p.relative_to(REPO)))
def test_committed_csv_reads_with_no_options_and_matches_its_sidecar(path, registry):
    import pandas as pd
    assert not path.read_text().startswith("#"), "no comment lines"
    frame = pd.read_csv(path)
    assert len(frame) > 0
    assert not [c for c in frame.columns if c.startswith("Unnamed") or c.startswith("#")], list(frame.columns)
    sidecar = Path(str(path) + ".meta.json")
    if sidecar.exists():
        meta = json.loads(sidecar.read_text())
        validate(meta, registry)
        assert meta["columns"] == list(frame.columns) and meta["data"] == path.name
