"""Running the frg binary: discovery, command lines, stdin configs, parsed outputs, errors."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional, Sequence, Union

import pandas as pd

__all__ = [
    "FrgError",
    "FrgInputError",
    "FrgRunError",
    "FrgNotFoundError",
    "find_binary",
    "run",
    "beta",
    "fixed_points",
    "flow",
    "sample",
    "compare",
]

Config = Union[Mapping[str, Any], str, os.PathLike, None]


class FrgError(RuntimeError):
    """frg exited with a non-zero status.

    ``returncode`` is frg's exit status (2: the input was refused, 1: a valid run failed),
    ``stderr`` everything frg wrote there, ``message`` its error line without the
    ``frg <command>: error:`` prefix, ``command`` the command line run.
    """

    def __init__(self, command: Sequence[str], returncode: int, stderr: str):
        self.command = list(command)
        self.returncode = returncode
        self.stderr = stderr
        lines = [line for line in stderr.splitlines() if line.strip()]
        errors = [line for line in lines if ": error: " in line]
        line = errors[-1] if errors else (lines[-1] if lines else f"exit status {returncode}")
        self.message = line.split(": error: ", 1)[1] if ": error: " in line else line
        super().__init__(f"{self.message} (frg exit status {returncode}: {' '.join(self.command)})")


class FrgInputError(FrgError, ValueError):
    """frg refused its input (exit status 2): a config key, a flag, a value out of range."""


class FrgRunError(FrgError):
    """A valid run failed (exit status 1): a flow that could not be integrated, a file not written."""


class FrgNotFoundError(FileNotFoundError):
    """No frg binary at any of the places searched (listed in the message)."""


# The clone this package sits in (python/frg/ of the repository) when run from it or installed
# editable; a plain install puts it in site-packages, and the working directory decides.
_PACKAGE_REPOSITORY = Path(__file__).resolve().parent.parent.parent


def _repository_roots() -> Iterable[Path]:
    """Folders that may be the frg repository: the one this package sits in, then the working
    directory and its parents."""
    seen = set()
    for candidate in [_PACKAGE_REPOSITORY, Path.cwd(), *Path.cwd().parents]:
        if candidate in seen:
            continue
        seen.add(candidate)
        if (candidate / "Package.swift").is_file() and (candidate / "Sources" / "FRGCLI").is_dir():
            yield candidate


def find_binary(binary: Union[str, os.PathLike, None] = None) -> str:
    """The frg executable: ``binary`` if given, else ``$FRG_BIN``, else ``frg`` on ``PATH``,
    else ``<repo>/.build/release/frg`` then ``<repo>/.build/debug/frg``.

    An explicitly named binary (argument or ``$FRG_BIN``) must exist: no fallback hides a typo.
    """
    explicit = binary if binary is not None else os.environ.get("FRG_BIN") or None
    if explicit is not None:
        path = Path(explicit).expanduser()
        if path.is_file() and os.access(path, os.X_OK):
            return str(path)
        found = shutil.which(str(explicit))
        if found:
            return found
        origin = "binary=" if binary is not None else "$FRG_BIN"
        raise FrgNotFoundError(f"{origin} {explicit!s}: no executable file there")
    found = shutil.which("frg")
    if found:
        return found
    searched = ["frg on PATH"]
    for root in _repository_roots():
        for configuration in ("release", "debug"):
            path = root / ".build" / configuration / "frg"
            searched.append(str(path))
            if path.is_file() and os.access(path, os.X_OK):
                return str(path)
    raise FrgNotFoundError(
        "no frg binary found (searched " + ", ".join(searched)
        + "); build it with `swift build -c release` or pass binary= / set FRG_BIN"
    )


def _flag_value(value: Any) -> str:
    """A Python value as frg reads it on its command line (YAML scalars and flow collections)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value)
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    return str(value)


def _command_line(command: str, config: Config, args: Sequence[Any], format: str,
                  flags: Mapping[str, Any]) -> tuple[list[str], Optional[str]]:
    argv = [command]
    stdin = None
    if config is not None:
        if isinstance(config, Mapping):
            argv.append("-")
            stdin = json.dumps(config, allow_nan=False)
        else:
            argv.append(os.fspath(config))
    argv += [_flag_value(a) for a in args]
    for key, value in flags.items():
        if value is None or value is False:
            continue
        if key == "set":
            # set={"sampler.width": 20} → --set sampler.width=20, one per key.
            items = value.items() if isinstance(value, Mapping) else value
            for path, v in items:
                argv += ["--set", f"{path}={_flag_value(v)}"]
            continue
        name = "--" + key.replace("_", "-")
        if value is True:
            argv.append(name)
        elif isinstance(value, (list, tuple)):
            for v in value:
                argv += [name, _flag_value(v)]
        else:
            argv += [name, _flag_value(value)]
    argv += ["--format", format]
    if "output" not in flags:
        argv += ["--output", "-"]
    return argv, stdin


def run(command: str, config: Config = None, *args: Any, format: str = "json",
        binary: Union[str, os.PathLike, None] = None, cwd: Union[str, os.PathLike, None] = None,
        timeout: Optional[float] = None, **flags: Any) -> Union[dict, pd.DataFrame, str]:
    """Run ``frg <command>`` and return its output parsed.

    - ``config``: a dict (sent to frg as JSON on stdin, the command line then reads ``-``),
      or the path of a config file; None for commands without one (beta, fixed-points).
    - ``args``: further positional arguments.
    - ``format``: ``"json"`` returns the document as a dict, ``"csv"`` a DataFrame,
      ``"text"`` (or ``"latex"`` for beta) the printed text.
    - ``cwd``: frg's working directory (relative paths in a dict config resolve against it, and
      ``sample``/``compare`` keep their state and cache there); ``timeout`` in seconds.
    - ``flags``: command-line flags, ``dimension=3`` → ``--dimension 3``, ``expansion="both"``,
      ``convergence="4:20"``; ``True`` gives a bare flag, None/False omits it; a list repeats it;
      ``set={"sampler.width": 20}`` gives ``--set sampler.width=20`` per key (validated by frg
      exactly like the file's keys).

    The result goes to stdout with ``--output -`` (nothing else is written there), so no
    file is made; pass ``output=...`` to write a file instead (the return value is then the
    text frg printed). Raises ``FrgInputError`` (exit 2), ``FrgRunError`` (exit 1) carrying
    frg's message and stderr, ``FrgNotFoundError`` when there is no binary.
    """
    if format not in ("json", "csv", "text", "latex"):
        raise ValueError(f"format must be json, csv, text or latex, not {format!r}")
    executable = find_binary(binary)
    argv, stdin = _command_line(command, config, args, format, flags)
    completed = subprocess.run(
        [executable, *argv], input=stdin, capture_output=True, text=True, cwd=cwd,
        timeout=timeout, stdin=None if stdin is not None else subprocess.DEVNULL,
    )
    if completed.returncode != 0:
        kind = {2: FrgInputError, 1: FrgRunError}.get(completed.returncode, FrgError)
        raise kind(["frg", *argv], completed.returncode, completed.stderr)
    out = completed.stdout
    if "output" in flags or format in ("text", "latex"):
        return out
    if format == "json":
        return json.loads(out)
    return pd.read_csv(io.StringIO(out))


def beta(*args: Any, format: str = "json", **flags: Any):
    """``frg beta``: the projected beta functions (``frg/beta/v1`` dict, or one row per term)."""
    return run("beta", None, *args, format=format, **flags)


def fixed_points(*args: Any, format: str = "json", **flags: Any):
    """``frg fixed-points``: a census, a ``convergence=`` or ``dimension_sweep=`` study, or the
    full potential (``truncation="full-potential"``)."""
    return run("fixed-points", None, *args, format=format, **flags)


def flow(config: Config, *args: Any, format: str = "csv", **flags: Any):
    """``frg flow CONFIG``: the trajectory (DataFrame, columns as in docs/outputs.md) or the
    ``frg/flow/v1`` dict."""
    return run("flow", config, *args, format=format, **flags)


def sample(config: Config, *args: Any, format: str = "csv", **flags: Any):
    """``frg sample CONFIG``: the measurement, one row per (order, combination), or the
    ``frg/measurement/v1`` dict."""
    return run("sample", config, *args, format=format, **flags)


def compare(config: Config, *args: Any, format: str = "csv", **flags: Any):
    """``frg compare CONFIG``: one tidy row per (observable, x, series), or the
    ``frg/compare/v1`` dict."""
    return run("compare", config, *args, format=format, **flags)
