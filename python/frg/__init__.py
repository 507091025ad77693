"""frg from Python: run the solver, get pandas DataFrames and dicts, draw publication figures.

    import frg
    traj = frg.flow({"flow": "passive", ...})          # DataFrame: t, k, u2bar, …, u2, …
    study = frg.fixed_points(dimension=3, expansion="both", convergence="4:30", format="csv")
    fig = frg.plots.convergence(study); fig.savefig("convergence.pdf")

Every function runs the `frg` binary (see `find_binary`) with `--format csv|json --output -`;
dict configs go to it as JSON on stdin. Columns and keys: docs/outputs.md of the repository.
"""

from .runner import (
    FrgError,
    FrgInputError,
    FrgNotFoundError,
    FrgRunError,
    beta,
    compare,
    find_binary,
    fixed_points,
    flow,
    run,
    sample,
)
from . import plots

__version__ = "0.1.0"

__all__ = [
    "FrgError",
    "FrgInputError",
    "FrgNotFoundError",
    "FrgRunError",
    "beta",
    "compare",
    "find_binary",
    "fixed_points",
    "flow",
    "plots",
    "run",
    "sample",
]
