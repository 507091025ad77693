#!/usr/bin/env python3
"""SciPy peer of `frg-bench flow`: the same passive flows integrated with solve_ivp (LSODA, BDF).

The problems come from `frg-bench flow --export FILE` (one JSON document): for each case the beta
functions exactly as `frg beta --format json` gives them (d substituted, Litim, K_d kept as a
symbol), the dimensionless initial couplings, the RG-time range, the output times, rtol/atol, the
threshold stop level and the runaway bounds, and frg's own end states. From the equation terms this
script generates straight-line Python for f(t, y) and the exact Jacobian (compiled once), so both
solvers get the same equations and the exact Jacobian, as CVODE does.

Events as frg's: the threshold denominator 1 + ū2 falling to its stop level (terminal, decreasing)
and the runaway bounds (terminal; frg watches one event per coupling, the peer one event for all,
their minimum: fewer Python calls, in the peer's favour). frg's 'representable range' event (a
value reaching 1e300) never fires on these flows and is left out.

Timing: in process, the median (and minimum) of repeated solves after one warm-up solve; start-up,
code generation and the warm-up are excluded. A solve that takes 2 s or more is timed once (the
first solve is the measurement), so that SciPy's BDF at φ²⁴ (tens of seconds) stays affordable. Reported per case and method: times, nfev, njev, the
end time and state, and their distance from frg's end state in units of the local tolerance,
max_i |y_i - y_frg,i| / (rtol |y_frg,i| + atol) (a global error, so tens to thousands is agreement).

Usage: flow_scipy.py PROBLEMS.json [--cases a,b] [--methods LSODA,BDF] [--repetitions 5]
                     [--min-seconds 1] [--json]
"""
import argparse
import fractions
import json
import math
import statistics
import sys
import time
import unicodedata

import numpy as np
import scipy
from scipy.integrate import solve_ivp


def monomial(powers, skip=None):
    """Product of coupling powers as Python source, e.g. 'y1**2*y2'; `skip` lowers one power by one."""
    factors = []
    for name, p in powers.items():
        if name == skip:
            p -= 1
        if p == 1:
            factors.append(name)
        elif p != 0:
            factors.append(f"{name}**{p}")
    return "*".join(factors)


def generate(problem):
    """Source of rhs(t, y) and jac(t, y) for the case's beta functions (Litim LPA about φ = 0)."""
    beta = problem["beta"]
    names = problem["couplings"]
    argument = unicodedata.normalize("NFC", beta["thresholdArgument"])
    truncation = beta["truncation"]
    if truncation.get("regulator") != "litim" or argument != unicodedata.normalize("NFC", "ū2") or truncation["expansion"] != "zero":
        raise SystemExit(f"{problem['name']}: the peer handles the Litim LPA about φ = 0 only")
    kd = beta["ballVolumeFactor"]
    var = {name: f"y{i}" for i, name in enumerate(names)}
    n = len(names)
    w = var["u2"]
    # terms[i]: (coefficient with K_d folded in, {variable: power}, power m of g = 1/(1 + ū2)).
    terms = []
    max_power = 0
    for equation in beta["equations"]:
        row = []
        for term in equation["terms"]:
            if term["etaPower"] != 0:
                raise SystemExit(f"{problem['name']}: η terms are not expected in the LPA")
            family = term.get("thresholdFamily")
            if family not in (None, "loop"):
                raise SystemExit(f"{problem['name']}: threshold family {family} not handled")
            m = term.get("thresholdPower") or 0
            # The exact coefficient (a Fraction string, docs/outputs.md) as the nearest float.
            c = float(fractions.Fraction(term["coefficient"])) * (kd if family else 1.0)
            row.append((c, {var[k]: p for k, p in term["powers"].items()}, m))
            max_power = max(max_power, m + 1)
        terms.append(row)

    def product(c, mono, m):
        parts = [repr(c)] + ([mono] if mono else []) + ([f"g{m}"] if m else [])
        return "*".join(parts)

    head = [f"    {', '.join(var[k] for k in names)}{',' if n == 1 else ''} = y",
            f"    g1 = 1.0/(1.0 + {w})"]
    head += [f"    g{k} = g{k - 1}*g1" for k in range(2, max_power + 1)]
    rhs = ["def rhs(t, y):"] + head
    entries = []
    for row in terms:
        entries.append(" + ".join(product(c, monomial(powers), m) for c, powers, m in row) or "0.0")
    rhs.append("    return np.array([" + ", ".join(entries) + "])")

    jac = ["def jac(t, y):"] + head
    matrix = []
    for row in terms:
        cells = []
        for j in range(n):
            v = f"y{j}"
            parts = []
            for c, powers, m in row:
                p = powers.get(v, 0)
                if p:
                    parts.append(product(c * p, monomial(powers, skip=v), m))
                if v == w and m:
                    # d g^m / d ū2 = −m g^(m+1)
                    parts.append(product(-c * m, monomial(powers), m + 1))
            cells.append(" + ".join(parts) or "0.0")
        matrix.append("[" + ", ".join(cells) + "]")
    jac.append("    return np.array([" + ", ".join(matrix) + "])")
    namespace = {"np": np}
    exec(compile("\n".join(rhs) + "\n\n" + "\n".join(jac) + "\n", problem["name"], "exec"), namespace)
    return namespace["rhs"], namespace["jac"]


def events(problem):
    """Terminal events as frg's: the threshold stop and the runaway bounds."""
    found = []
    names = problem["couplings"]
    if problem.get("thresholdCoupling"):
        i = names.index(problem["thresholdCoupling"])
        stop = problem["thresholdStop"]

        def threshold(t, y):
            return 1.0 + y[i] - stop
        threshold.terminal, threshold.direction = True, -1
        found.append(threshold)
    if "dimensionfulRunawayBounds" in problem:
        bounds = np.array(problem["dimensionfulRunawayBounds"])
        dims = np.array(problem["canonicalDimensions"])
        log_scale = problem["logScale"]

        def runaway(t, y):
            return float(np.min(bounds - np.abs(y) * np.exp(dims * (log_scale + t))))
    else:
        bound = problem["runawayBound"]

        def runaway(t, y):
            return bound - float(np.max(np.abs(y)))
    runaway.terminal, runaway.direction = True, -1
    found.append(runaway)
    return found


def solve(problem, rhs, jac, method):
    return solve_ivp(rhs, (problem["tStart"], problem["tEnd"]), np.array(problem["initial"]), method=method,
                     t_eval=np.array(problem["outputTimes"]), events=events(problem),
                     rtol=problem["relativeTolerance"], atol=problem["absoluteTolerance"], jac=jac)


def end_of(solution):
    """(t, y, ending) where the solution ended: at a terminal event, or at the end of the range."""
    if solution.status == 1:
        for k, times in enumerate(solution.t_events):
            if len(times):
                return times[0], solution.y_events[k][0], ["threshold", "runaway"][k] if len(solution.t_events) == 2 else "runaway"
    if solution.status != 0:
        raise RuntimeError(solution.message)
    return solution.t[-1], solution.y[:, -1], "completed"


SLOW = 2.0  # seconds


def measure(problem, method, repetitions, min_seconds):
    rhs, jac = generate(problem)
    start = time.perf_counter()
    solution = solve(problem, rhs, jac, method)  # warm-up, and the result reported
    first = time.perf_counter() - start
    if solution.status == -1:
        # The solver gave up (SciPy's BDF near the threshold pole at φ²⁴: "Required step size is
        # less than spacing between numbers"): reported as such, with the time it took to fail.
        return {"case": problem["name"], "method": method, "failed": solution.message, "medianSeconds": first,
                "minSeconds": first, "runs": 1, "rhsEvaluations": int(solution.nfev),
                "jacobianEvaluations": int(solution.njev), "finalT": float(solution.t[-1]) if len(solution.t) else None,
                "ending": "failed", "deviationFromFrg": math.inf}
    # A solve of seconds is its own measurement (the warm-up matters only for short ones).
    times = [first] if first >= SLOW else []
    while len(times) < repetitions and sum(times) < SLOW or sum(times) < min_seconds:
        start = time.perf_counter()
        solve(problem, rhs, jac, method)
        times.append(time.perf_counter() - start)
    t_end, y_end, ending = end_of(solution)
    rtol, atol = problem["relativeTolerance"], problem["absoluteTolerance"]
    frg = problem["frg"].get("auto") or problem["frg"]["bdf"]
    same_end = abs(t_end - frg["finalT"]) <= 1e-6 * max(1.0, abs(t_end))
    deviation = max(abs(a - b) / (rtol * abs(b) + atol) for a, b in zip(y_end, frg["finalState"])) if same_end else math.inf
    return {
        "case": problem["name"], "method": method, "medianSeconds": statistics.median(times),
        "minSeconds": min(times), "runs": len(times), "rhsEvaluations": int(solution.nfev),
        "jacobianEvaluations": int(solution.njev), "finalT": float(t_end), "finalState": [float(v) for v in y_end],
        "ending": ending, "deviationFromFrg": deviation, "frgFinalT": frg["finalT"],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("problems")
    parser.add_argument("--cases", help="comma-separated case names (default: all in the file)")
    parser.add_argument("--methods", default="LSODA,BDF")
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--min-seconds", type=float, default=1.0)
    parser.add_argument("--json", action="store_true", help="one JSON object per case and method")
    args = parser.parse_args()
    with open(args.problems) as f:
        problems = json.load(f)["cases"]
    if args.cases:
        wanted = args.cases.split(",")
        missing = [c for c in wanted if c not in {p["name"] for p in problems}]
        if missing:
            raise SystemExit(f"not in {args.problems}: {', '.join(missing)}")
        problems = [p for p in problems if p["name"] in wanted]
    if not args.json:
        print(f"flow_scipy.py: SciPy {scipy.__version__}, NumPy {np.__version__}; in-process median of repeated solve_ivp calls")
        print(f"{'case':23} {'method':6} {'median µs':>10} {'min µs':>10} {'f evals':>8} {'J evals':>8} {'Δ vs frg':>9}  ending")
    for problem in problems:
        for method in args.methods.split(","):
            r = measure(problem, method, args.repetitions, args.min_seconds)
            if args.json:
                print(json.dumps(r), flush=True)
            elif "failed" in r:
                print(f"{r['case']:23} {method:6} {r['medianSeconds'] * 1e6:10.1f} {'':10} {r['rhsEvaluations']:8d} "
                      f"{r['jacobianEvaluations']:8d} {'':9}  FAILED: {r['failed']}", flush=True)
            else:
                print(f"{r['case']:23} {method:6} {r['medianSeconds'] * 1e6:10.1f} {r['minSeconds'] * 1e6:10.1f} "
                      f"{r['rhsEvaluations']:8d} {r['jacobianEvaluations']:8d} {r['deviationFromFrg']:9.3g}  "
                      f"{r['ending']} at t = {r['finalT']:.4f}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
