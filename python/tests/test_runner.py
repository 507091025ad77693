"""The runner without the real binary: discovery order, the command line and stdin it builds,
and how frg's failures become Python exceptions. A stub `frg` (a Python script) records what
it was given."""

import json
import os
import stat
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

import frg
from frg.runner import find_binary

STUB = """\
#!{python}
import json, sys
argv = sys.argv[1:]
stdin = sys.stdin.read() if argv[1:2] == ["-"] else None
mode = {mode!r}
if mode == "echo":
    fmt = argv[argv.index("--format") + 1]
    if fmt == "csv":
        import csv
        writer = csv.writer(sys.stdout, lineterminator="\\n")
        writer.writerow(["argv", "stdin"])
        writer.writerow([json.dumps(argv), "absent" if stdin is None else json.dumps(stdin)])
    else:
        print(json.dumps({{"schema": "frg/stub/v1", "argv": argv, "stdin": stdin}}))
    print("frg flow: note on stderr", file=sys.stderr)
elif mode == "refuse":
    print("frg flow: error: <stdin>:3:5: 'range.tEnd': expected a number", file=sys.stderr)
    sys.exit(2)
elif mode == "fail":
    print("progress line", file=sys.stderr)
    print("frg flow: error: the flow left the domain at t = -1.2", file=sys.stderr)
    sys.exit(1)
"""


def make_stub(folder: Path, mode: str = "echo", name: str = "frg") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(STUB.format(python=sys.executable, mode=mode))
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    """No FRG_BIN, a PATH without frg, a working directory outside any clone."""
    monkeypatch.delenv("FRG_BIN", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty-path"))
    monkeypatch.chdir(tmp_path)


def test_binary_argument_wins_over_environment_and_path(clean_env, tmp_path, monkeypatch):
    given = make_stub(tmp_path / "given")
    monkeypatch.setenv("FRG_BIN", str(make_stub(tmp_path / "env")))
    monkeypatch.setenv("PATH", str(make_stub(tmp_path / "path").parent))
    assert find_binary(given) == str(given)


def test_environment_wins_over_path(clean_env, tmp_path, monkeypatch):
    env = make_stub(tmp_path / "env")
    monkeypatch.setenv("FRG_BIN", str(env))
    monkeypatch.setenv("PATH", str(make_stub(tmp_path / "path").parent))
    assert find_binary() == str(env)


def test_path_is_searched_before_the_repository(clean_env, tmp_path, monkeypatch):
    on_path = make_stub(tmp_path / "bin")
    monkeypatch.setenv("PATH", str(on_path.parent))
    assert find_binary() == str(on_path)


def test_repository_build_is_the_fallback(clean_env, tmp_path, monkeypatch):
    # As for a package installed outside the clone: the clone is found from the working directory.
    monkeypatch.setattr(frg.runner, "_PACKAGE_REPOSITORY", tmp_path / "site-packages")
    # A clone laid out as the package expects: Package.swift, Sources/FRGCLI, .build/debug/frg.
    clone = tmp_path / "clone"
    (clone / "Sources" / "FRGCLI").mkdir(parents=True)
    (clone / "Package.swift").write_text("// swift-tools-version:5.9\n")
    debug = make_stub(clone / ".build" / "debug")
    os.chdir(clone / "Sources")
    assert find_binary() == str(debug)
    release = make_stub(clone / ".build" / "release")
    assert find_binary() == str(release), "release before debug"


def test_the_clone_the_package_sits_in_comes_first(clean_env, tmp_path, monkeypatch):
    clone = tmp_path / "clone"
    (clone / "Sources" / "FRGCLI").mkdir(parents=True)
    (clone / "Package.swift").write_text("// swift-tools-version:5.9\n")
    ours = make_stub(clone / ".build" / "debug")
    monkeypatch.setattr(frg.runner, "_PACKAGE_REPOSITORY", clone)
    assert find_binary() == str(ours)


def test_named_binary_that_does_not_exist_is_an_error_not_a_fallback(clean_env, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(make_stub(tmp_path / "bin").parent))
    with pytest.raises(frg.FrgNotFoundError, match="binary= .*nowhere"):
        find_binary(tmp_path / "nowhere" / "frg")
    monkeypatch.setenv("FRG_BIN", str(tmp_path / "nowhere"))
    with pytest.raises(frg.FrgNotFoundError, match=r"\$FRG_BIN"):
        find_binary()


def test_dict_config_goes_on_stdin_as_json_and_stdout_is_the_document(tmp_path):
    stub = make_stub(tmp_path)
    config = {"flow": "passive", "range": {"tEnd": -4, "samples": 5}, "initial": {"couplings": {"u2": 0.5}}}
    result = frg.run("flow", config, binary=stub, set={"range.samples": 9, "truncation.order": 8},
                     threads=2, no_cache=True, quiet=False)
    assert result["schema"] == "frg/stub/v1"
    argv = result["argv"]
    assert argv[:2] == ["flow", "-"]
    assert json.loads(result["stdin"]) == config
    assert argv[argv.index("--format") + 1] == "json" and argv[argv.index("--output") + 1] == "-"
    sets = [argv[i + 1] for i, a in enumerate(argv) if a == "--set"]
    assert sets == ["range.samples=9", "truncation.order=8"]
    assert argv[argv.index("--threads") + 1] == "2" and "--no-cache" in argv and "--quiet" not in argv


def test_path_config_is_an_argument_and_csv_is_a_dataframe(tmp_path):
    stub = make_stub(tmp_path)
    frame = frg.flow(tmp_path / "config.yaml", binary=stub)
    assert isinstance(frame, pd.DataFrame) and list(frame.columns) == ["argv", "stdin"]
    argv = json.loads(frame["argv"][0])
    assert argv[:2] == ["flow", str(tmp_path / "config.yaml")]
    assert frame["stdin"][0] == "absent", "nothing on stdin for a file config"


def test_set_values_are_yaml_scalars_and_flow_collections(tmp_path):
    stub = make_stub(tmp_path)
    argv = frg.run("sample", {}, binary=stub, set={"inputs": [0.1, 0.5], "resume": False, "seed": 3})["argv"]
    assert [argv[i + 1] for i, a in enumerate(argv) if a == "--set"] == ["inputs=[0.1, 0.5]", "resume=false", "seed=3"]


def test_refused_input_raises_input_error_with_frgs_message(tmp_path):
    stub = make_stub(tmp_path, "refuse")
    with pytest.raises(frg.FrgInputError) as caught:
        frg.flow({"range": {"tEnd": "x"}}, binary=stub)
    error = caught.value
    assert error.returncode == 2
    assert error.message == "<stdin>:3:5: 'range.tEnd': expected a number"
    assert "range.tEnd" in str(error) and "exit status 2" in str(error)
    assert isinstance(error, ValueError) and isinstance(error, frg.FrgError)


def test_failed_run_raises_run_error_carrying_stderr(tmp_path):
    stub = make_stub(tmp_path, "fail")
    with pytest.raises(frg.FrgRunError) as caught:
        frg.flow({}, binary=stub)
    assert caught.value.returncode == 1
    assert caught.value.message == "the flow left the domain at t = -1.2"
    assert "progress line" in caught.value.stderr


def test_unknown_format_is_refused_before_running(tmp_path):
    with pytest.raises(ValueError, match="format"):
        frg.run("flow", {}, format="yaml", binary=make_stub(tmp_path))


def test_non_finite_config_values_are_refused_before_running(tmp_path):
    with pytest.raises(ValueError):
        frg.flow({"range": {"tEnd": float("nan")}}, binary=make_stub(tmp_path))
