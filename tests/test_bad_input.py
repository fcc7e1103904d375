"""Malformed and hostile input files and output paths: one line, exit 2, nothing written
(issue 12, item 8).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sim.errors import UsageError, excerpt
from sim.out_path import check_out_path
from sim.params import MAX_TOML_BYTES, ConfigError, read_toml

ROOT = Path(__file__).resolve().parent.parent
MESSAGE_CHARS = 400
"""Longest error line accepted (a message names the value, never repeats it whole)."""


def _cli(*args, cwd):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "sim", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, env=env)


def _one_line_exit_2(res):
    assert res.returncode == 2, res.stderr
    assert res.stderr.startswith("error: ") and res.stderr.count("\n") == 1, res.stderr
    assert "internal error" not in res.stderr and "Traceback" not in res.stderr
    assert len(res.stderr) < MESSAGE_CHARS, res.stderr[:500]


def _snapshot(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


BAD_FILES = {
    "binary": bytes(range(256)) * 8,
    "nul": b'name = "x"\n\x00\x00\x00design = "lhs"\n',
    "deep": b"a = " + b"[" * 5000 + b"]" * 5000 + b"\n",
    "deep_tables": b"a = " + b"{ b = " * 3000 + b"1" + b" }" * 3000 + b"\n",
    "huge": b'name = "x"\n# ' + b"x" * (MAX_TOML_BYTES + 10) + b"\n",
    "latin1": 'name = "Gen\u00e8ve"\n'.encode("latin-1"),
}


@pytest.mark.parametrize("kind, command", [(k, "sweep") for k in BAD_FILES]
                         + [("binary", "run"), ("deep", "run"), ("huge", "run")])
def test_malformed_files_are_one_line_exit_2(tmp_path, kind, command):
    path = tmp_path / f"{kind}.toml"
    path.write_bytes(BAD_FILES[kind])
    before = _snapshot(tmp_path)
    res = _cli(command, path, "--out", tmp_path / "out", cwd=tmp_path)
    _one_line_exit_2(res)
    assert str(path) in res.stderr
    assert _snapshot(tmp_path) == before


def test_read_toml_names_the_problem(tmp_path):
    cases = {"binary": "not a text file", "nul": "NUL bytes", "deep": "nested too deeply",
             "huge": "larger than 1 MB", "latin1": "not a text file"}
    for kind, what in cases.items():
        path = tmp_path / f"{kind}.toml"
        path.write_bytes(BAD_FILES[kind])
        with pytest.raises(ConfigError, match=what):
            read_toml(path)
    with pytest.raises(ConfigError, match="cannot read"):
        read_toml(tmp_path)  # a folder


@pytest.mark.parametrize("text", [
    # a 5,000,000-element array where a number belongs (a scenario and an experiment)
    "[world]\nn_colleges = [" + "1," * 200_000 + "1]\n",
    'name = "x"\nmodel = "ishigami"\ndesign = "grid"\n[factors]\nx1 = { values = ['
    + "1.0," * 200_000 + "1.0] }\n",
    'name = "x"\nmodel = "ishigami"\ndesign = "lhs"\nreplicates = "' + "r" * 900_000 + '"\n',
    'name = "x"\nmodel = "ishigami"\ndesign = "lhs"\n[lhs]\nsamples = 3\n[factors]\n'
    + "x" * 500_000 + " = {}\n",
])
def test_messages_show_only_an_excerpt_of_a_huge_value(tmp_path, text):
    path = tmp_path / "big.toml"
    path.write_text(text)
    assert path.stat().st_size < MAX_TOML_BYTES
    command = "run" if text.startswith("[world]") else "sweep"
    res = _cli(command, path, "--out", tmp_path / "o", cwd=tmp_path)
    _one_line_exit_2(res)


def test_excerpt_is_short_whatever_the_value():
    assert excerpt("abc") == "'abc'" and excerpt(3.5) == "3.5"
    for value in (list(range(5_000_000)), "x" * 10**6, {"a": {"b": {"c": [1] * 10**5}}},
                  [[[[[[1]]]]]] * 1000):
        assert len(excerpt(value)) <= 60


SWEEP, RUN = ("sweep", "exp.toml"), ("run", "classroom")


@pytest.mark.parametrize("out, command", [
    ("/proc/ieisim-test", SWEEP), ("/proc/self/x", RUN), ("/sys/x", SWEEP), ("/dev/null", RUN),
    ("/dev/null", SWEEP), (".", SWEEP), (".", RUN), ("..", RUN), ("file.txt/sub", SWEEP),
    ("file.txt", RUN)])
def test_bad_out_paths_are_one_line_exit_2(tmp_path, out, command):
    (tmp_path / "exp.toml").write_text('name = "ish"\nmodel = "ishigami"\ndesign = "lhs"\n'
                                       "[lhs]\nsamples = 3\n[factors]\nx1 = {}\n")
    (tmp_path / "file.txt").write_text("mine\n")
    before = _snapshot(tmp_path)
    res = _cli(*command, "--out", out, cwd=tmp_path)
    _one_line_exit_2(res)
    assert f"--out {out}:" in res.stderr
    assert _snapshot(tmp_path) == before
    assert (tmp_path / "file.txt").read_text() == "mine\n"
    assert Path("/dev/null").is_char_device()


def test_a_read_only_folder_is_refused(tmp_path, monkeypatch):
    ro = tmp_path / "ro"
    ro.mkdir()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if Path(p) == ro
                        else real_access(p, mode))  # as a read-only mount answers
    for out in (ro, ro / "new" / "deeper"):
        with pytest.raises(UsageError, match="cannot write into .*ro \\(read-only"):
            check_out_path(out)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_is_refused_by_the_cli(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        res = _cli("run", "classroom", "--out", ro / "new", cwd=tmp_path)
        _one_line_exit_2(res)
        assert list(ro.iterdir()) == []
    finally:
        ro.chmod(0o755)
