"""bench_compare: a revision's run time against another's, and whether outputs agree."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "benchmarks" / "bench_compare.py"
_SPEC = importlib.util.spec_from_file_location("bench_compare", SCRIPT)
compare = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(compare)
IN_GIT = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--verify", "--quiet", "HEAD"],
                        capture_output=True).returncode == 0
needs_git = pytest.mark.skipif(not IN_GIT, reason="the source tree is not a git checkout")


def test_the_summary_pairs_processes_and_checks_every_output():
    base = [{"cpu": [0.10, 0.12, 0.11], "outputs": ["a", "b"]},
            {"cpu": [0.20, 0.20, 0.20], "outputs": ["a", "b"]}]
    new = [{"cpu": [0.09, 0.10, 0.12], "outputs": ["a", "b"]},
           {"cpu": [0.19, 0.18, 0.19], "outputs": ["a", "b"]}]
    res = compare.summarize(base, new)
    assert res["pairs"] == 2 and res["same_outputs"]
    assert res["interval"] == pytest.approx([0.10 / 0.11, 0.19 / 0.20])
    assert res["ratio"] == pytest.approx((0.10 / 0.11 + 0.19 / 0.20) / 2)
    new[1]["outputs"] = ["a", "c"]  # one seed's outputs moved
    assert not compare.summarize(base, new)["same_outputs"]


@needs_git
def test_an_unknown_revision_is_one_line_and_exit_2():
    out = subprocess.run([sys.executable, str(SCRIPT), "no-such-revision-x"], cwd=ROOT,
                         capture_output=True, text=True)
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.strip().splitlines() == [
        f"error: revision 'no-such-revision-x': not a commit of {ROOT}"]
    out = subprocess.run([sys.executable, str(SCRIPT), "HEAD", "--pairs", "0"], cwd=ROOT,
                         capture_output=True, text=True)
    assert out.returncode == 2 and "--pairs 0" in out.stderr


@needs_git
def test_a_revision_against_itself_gives_the_same_outputs_and_leaves_no_worktree(capsys):
    before = subprocess.run(["git", "-C", str(ROOT), "worktree", "list"], capture_output=True,
                            text=True, check=True).stdout
    assert compare.main(["HEAD", "HEAD", "--pairs", "2", "--seeds", "2", "--years", "1"]) == 0
    line = capsys.readouterr().out.splitlines()[0]
    assert "2 pairs" in line and line.endswith("same outputs: True")
    after = subprocess.run(["git", "-C", str(ROOT), "worktree", "list"], capture_output=True,
                           text=True, check=True).stdout
    assert after == before
