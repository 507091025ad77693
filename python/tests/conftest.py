"""Shared fixtures: the repository, the real frg binary, small configs that run in seconds.

The binary is `$FRG_BIN`, else `<repo>/.build/debug/frg` (what `swift test` builds). A missing
binary fails the tests that need it, with the command that builds it: nothing is skipped.
"""

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def binary() -> str:
    path = os.environ.get("FRG_BIN") or str(REPO / ".build" / "debug" / "frg")
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        pytest.fail(f"no frg binary at {path}: run `swift build` in {REPO} or set FRG_BIN")
    return path


# The passive flow of flows/nn-d1-uv-to-ir.yaml (φ⁶ LPA, d = 1, from the UV down), shorter.
PASSIVE_FLOW = {
    "flow": "passive",
    "truncation": {"scheme": "wetterich", "kind": "lpa", "expansion": "zero", "order": 6,
                   "dimension": 1, "regulator": "litim"},
    "initial": {"units": "dimensionful", "uvScale": 10, "couplings": {"u2": 2.0, "u4": -12.83, "u6": 50.0}},
    "range": {"tEnd": -4, "samples": 41},
}

ACTIVE_FLOW = {
    "flow": "active",
    "active": {"law": "paper", "dimension": 1, "sigmaW": [1, 20], "samples": 20,
               "couplings": {"u4": -12.8296, "u6": -21225.0}},
}

# A Gauss-net measurement small enough for a debug build: 4 bags × 200 networks.
SAMPLE = {"width": 10, "sigmaW": 1, "sigmaB": 1, "netsPerBag": 200, "bags": 4, "seed": 3,
          "estimator": "marginal", "inputs": [-0.01, -0.002, 0.006]}

# A width sweep of two observables with a companion estimator, as examples/u4-vs-width.
COMPARE = {
    "sampler": {"sigmaB": 1, "netsPerBag": 200, "bags": 4, "seed": 1, "estimator": "marginal",
                "inputs": [-0.01, -0.002, 0.006]},
    "sweep": {"widths": [2, 5, 20, 100]},
    "companion": "direct",
    "observables": ["u4", "m4"],
}


@pytest.fixture(scope="session")
def configs():
    return {"passive": PASSIVE_FLOW, "active": ACTIVE_FLOW, "sample": SAMPLE, "compare": COMPARE}


@pytest.fixture(scope="session")
def scratch(tmp_path_factory) -> Path:
    """The working directory of runs that keep state (sample's .frg-state, compare's cache)."""
    return tmp_path_factory.mktemp("runs")


@pytest.fixture(scope="session")
def study_csv(binary):
    import frg
    return frg.fixed_points(dimension=3, expansion="both", convergence="4:16", format="csv", binary=binary)


@pytest.fixture(scope="session")
def study_json(binary):
    import frg
    return frg.fixed_points(dimension=3, expansion="both", convergence="4:16", format="json", binary=binary)


@pytest.fixture(scope="session")
def passive_csv(binary):
    import frg
    return frg.flow(PASSIVE_FLOW, binary=binary)


@pytest.fixture(scope="session")
def active_csv(binary):
    import frg
    return frg.flow(ACTIVE_FLOW, binary=binary)


@pytest.fixture(scope="session")
def sweep_csv(binary, repo):
    """The measured-sweep flow of examples/nn-passive-flow (seven measured ensembles)."""
    import frg
    return frg.flow(repo / "examples" / "nn-passive-flow" / "stabilized.yaml", binary=binary)


@pytest.fixture(scope="session")
def sample_csv(binary, scratch):
    import frg
    return frg.sample(SAMPLE, binary=binary, cwd=scratch)


@pytest.fixture(scope="session")
def compare_csv(binary, scratch):
    import frg
    return frg.compare(COMPARE, binary=binary, cwd=scratch, no_cache=True)


@pytest.fixture(scope="session")
def compare_json(binary, scratch):
    import frg
    return frg.compare(COMPARE, format="json", binary=binary, cwd=scratch, no_cache=True)
