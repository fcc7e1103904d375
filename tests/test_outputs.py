"""Output folders (sim.outputs): what a writer may replace, atomic swaps, file sets, errors."""

import errno
import json
import os
import signal

import pytest

from sim import outputs
from sim.errors import (
    DiskFull,
    IeisimError,
    Interrupted,
    Terminated,
    UsageError,
    exit_code,
    sigterm_as_interrupt,
)
from sim.params import ConfigError


def run_folder(path, extra=()):
    """A folder as 'ieisim run' writes it (contents are irrelevant here)."""
    path.mkdir(parents=True)
    for name in outputs.RUN.files:
        (path / name).write_text("x\n")
    (path / "manifest.json").write_text(json.dumps({"kind": "run"}))
    for name in extra:
        (path / name).write_text("user's\n")
    return path


@pytest.mark.parametrize("name", ["../../../../sandbox2/data", "a/b", "/etc", ".hidden", "..",
                                  "", "a b", "x" * 101, 3])
def test_check_name_refuses_what_is_not_a_plain_folder_name(name):
    with pytest.raises(ConfigError, match="^name = "):
        outputs.check_name(name)


def test_check_name_message_shows_only_an_excerpt():
    with pytest.raises(ConfigError) as exc:
        outputs.check_name("../" * 100_000)
    assert len(str(exc.value)) < 300


@pytest.mark.parametrize("name", ["demo", "status_quo", "run-status_quo-42", "v1.2", "A-b_c"])
def test_check_name_accepts_plain_names(name):
    assert outputs.check_name(name) == name


def test_results_path_stays_inside_results(tmp_path):
    root = tmp_path / "results"
    root.mkdir()
    assert outputs.results_path("demo", root=root) == root / "demo"
    with pytest.raises(ConfigError):
        outputs.results_path("../outside", root=root)
    (root / "link").symlink_to(tmp_path)  # a link inside results/ pointing out of it
    with pytest.raises(UsageError, match="outside"):
        outputs.results_path("link", root=root)


def test_check_output_states(tmp_path):
    assert outputs.check_output(tmp_path / "new", outputs.RUN) == outputs.NEW
    (tmp_path / "empty").mkdir()
    assert outputs.check_output(tmp_path / "empty", outputs.RUN) == outputs.EMPTY
    old = run_folder(tmp_path / "old")
    assert outputs.check_output(old, outputs.RUN) == outputs.REPLACE
    (old / "figures").mkdir()
    (old / "figures" / "README.md").write_text("Regenerate them with `ieisim figures old`.\n"
                                               "[pdf](a.pdf)\n")
    (old / "figures" / "a.pdf").write_text("%PDF")
    assert outputs.check_output(old, outputs.RUN) == outputs.REPLACE


@pytest.mark.parametrize("overwrite", [False, True])
def test_check_output_refuses_what_ieisim_did_not_write(tmp_path, overwrite):
    user = tmp_path / "thesis"
    (user / "ch").mkdir(parents=True)
    (user / "notes.txt").write_text("mine")
    with pytest.raises(UsageError, match="files ieisim did not write, not an earlier"):
        outputs.check_output(user, outputs.RUN, overwrite)
    file = tmp_path / "f.txt"
    file.write_text("mine")
    with pytest.raises(UsageError, match="is not a folder"):
        outputs.check_output(file, outputs.RUN, overwrite)
    link = tmp_path / "link"
    link.symlink_to(run_folder(tmp_path / "target"))
    with pytest.raises(UsageError, match="symbolic link"):
        outputs.check_output(link, outputs.RUN, overwrite)
    sweep = tmp_path / "sweep"
    sweep.mkdir()
    (sweep / "manifest.json").write_text(json.dumps({"kind": "sweep"}))
    with pytest.raises(UsageError, match="an ieisim sweep folder"):
        outputs.check_output(sweep, outputs.RUN, overwrite)


def test_an_earlier_run_with_other_files_needs_overwrite(tmp_path):
    old = run_folder(tmp_path / "old", extra=["notes.txt"])
    with pytest.raises(UsageError, match=r"\(notes.txt\).*--overwrite"):
        outputs.check_output(old, outputs.RUN)
    assert outputs.check_output(old, outputs.RUN, overwrite=True) == outputs.REPLACE


def test_figures_folder_with_a_user_file_is_refused(tmp_path):
    fig = tmp_path / "figures"
    fig.mkdir()
    (fig / "README.md").write_text("Regenerate them with `ieisim figures x`.\n[png](a.png)\n")
    (fig / "a.png").write_bytes(b"png")
    outputs.check_figures_folder(fig)
    (fig / "mine.png").write_bytes(b"user")
    with pytest.raises(UsageError, match=r"mine.png"):
        outputs.check_figures_folder(fig)


@pytest.mark.parametrize("exchange", [True, False])
def test_swap_in_replaces_whole_and_leaves_no_temporary_folder(tmp_path, monkeypatch, exchange):
    if not exchange:
        monkeypatch.setattr(outputs, "_exchange", lambda a, b: False)
    final = run_folder(tmp_path / "out")
    (final / "stale.csv").write_text("old")
    with outputs.staging_folder(final) as tmp:
        (tmp / "new.csv").write_text("new")
        outputs.swap_in(tmp, final)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert sorted(p.name for p in final.iterdir()) == ["new.csv"]


def test_exchange_is_atomic_on_linux(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "x").write_text("a")
    (b / "y").write_text("b")
    if not outputs._exchange(a, b):
        pytest.skip("renameat2(RENAME_EXCHANGE) not supported here")
    assert (a / "y").exists() and (b / "x").exists()


def test_staging_folder_is_removed_when_the_block_fails(tmp_path):
    with pytest.raises(KeyboardInterrupt):
        with outputs.staging_folder(tmp_path / "out") as tmp:
            (tmp / "half.csv").write_text("half")
            raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_remove_stale_removes_only_dead_writers_temporaries(tmp_path):
    host = outputs._host_tag()
    dead = tmp_path / f"{outputs.TMP_PREFIX}999999999-{host}-abcd-out"
    dead.mkdir()
    live = tmp_path / f"{outputs.TMP_PREFIX}{os.getpid()}-{host}-abcd-out"
    live.mkdir()
    elsewhere = tmp_path / f"{outputs.TMP_PREFIX}999999999-zzzzzz-abcd-out"  # another machine
    elsewhere.mkdir()
    (tmp_path / ".ieisim-notes").write_text("user's")  # not ours: never touched
    (tmp_path / "notes.txt").write_text("user's")
    assert outputs.remove_stale(tmp_path) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [live.name, elsewhere.name, ".ieisim-notes", "notes.txt"])
    assert outputs._tmp_name(tmp_path / "x").name.startswith(
        f"{outputs.TMP_PREFIX}{os.getpid()}-{host}-")


@pytest.mark.parametrize("out", [".", "..", "/"])
def test_the_current_folder_and_its_parents_are_never_an_output(out):
    with pytest.raises(UsageError, match="is the current folder or holds it"):
        outputs.check_output(out, outputs.RUN, overwrite=True)


def test_write_file_set_disk_full_keeps_the_old_set_and_no_temporary(tmp_path, monkeypatch):
    outputs.write_file_set(tmp_path, {"a.json": b"old a", "b.csv": b"old b"})
    real = outputs._write_synced
    calls = []

    def full(path, data):
        calls.append(path.name)
        if len(calls) == 2:
            path.write_bytes(data[:1])  # the device fills up mid-file
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        real(path, data)

    monkeypatch.setattr(outputs, "_write_synced", full)
    with pytest.raises(DiskFull, match=f"no space left to write into {tmp_path}"):
        outputs.write_file_set(tmp_path, {"a.json": b"new a", "b.csv": b"new b"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "b.csv"]
    assert (tmp_path / "a.json").read_bytes() == b"old a"
    assert (tmp_path / "b.csv").read_bytes() == b"old b"


@pytest.mark.parametrize("err, kind, code", [
    (errno.ENOSPC, DiskFull, 1), (errno.EDQUOT, DiskFull, 1), (errno.EACCES, UsageError, 2),
    (errno.EROFS, UsageError, 2), (errno.EIO, IeisimError, 1)])
def test_os_errors_are_named_with_the_folder(err, kind, code):
    exc = outputs.os_error(OSError(err, os.strerror(err)), "results/demo", "runs are saved")
    assert type(exc) is kind and exit_code(exc) == code
    assert "results/demo" in str(exc)
    assert ("runs are saved" in str(exc)) == (kind is DiskFull)


def test_exit_codes():
    assert exit_code(ConfigError("x")) == 2 and exit_code(UsageError("x")) == 2
    assert exit_code(IeisimError("x")) == 1 and exit_code(DiskFull("x")) == 1
    assert exit_code(KeyboardInterrupt()) == 130 and exit_code(Terminated()) == 143
    assert exit_code(Interrupted("x")) == 130
    assert exit_code(Interrupted("x", terminated=True)) == 143


def test_sigterm_raises_terminated_and_is_recorded():
    with pytest.raises(Terminated):
        with sigterm_as_interrupt() as record:
            os.kill(os.getpid(), signal.SIGTERM)
            signal.sigtimedwait([], 0)  # let the handler run (no sleep)
    assert record.received == signal.SIGTERM and record.exit_code == 143


def test_write_new_file_replaces_a_file_only_when_asked(tmp_path):
    path = tmp_path / "rows.csv"
    outputs.write_new_file(path, b"a\n")
    with pytest.raises(UsageError, match="exists; choose another path or pass --overwrite"):
        outputs.write_new_file(path, b"b\n")
    assert path.read_bytes() == b"a\n"
    outputs.write_new_file(path, b"b\n", overwrite=True)
    assert path.read_bytes() == b"b\n"
    with pytest.raises(UsageError, match="is not a file"):
        outputs.write_new_file(tmp_path, b"c\n", overwrite=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rows.csv"]


def test_figures_index_records_what_ieisim_wrote(tmp_path):
    from sim.figures.output import FigureRecord, write_index

    for ext in ("pdf", "png", "csv"):
        (tmp_path / f"a.{ext}").write_text(ext)
    write_index([FigureRecord("a", "A", "run")], tmp_path, "Figures", "about", "ieisim figures x")
    assert f"<!-- {outputs.FIGURES_RECORD} a.pdf a.png a.csv -->" in (
        tmp_path / "README.md").read_text()
    assert outputs.figures_foreign(tmp_path) == []
    (tmp_path / "b.png").write_text("user's")
    assert outputs.figures_foreign(tmp_path) == ["b.png"]


def test_nested_sigterm_handlers_share_one_record():
    with pytest.raises(Terminated):
        with sigterm_as_interrupt() as outer:
            with sigterm_as_interrupt() as inner:  # e.g. run_sweep inside the CLI
                assert inner is outer
                os.kill(os.getpid(), signal.SIGTERM)
                signal.sigtimedwait([], 0)
    assert outer.exit_code == 143
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL or not hasattr(
        signal.getsignal(signal.SIGTERM), "ieisim_record")


def test_only_file_system_errors_are_write_errors():
    assert outputs.is_write_error(OSError(errno.ENOSPC, "full"))
    assert outputs.is_write_error(PermissionError(errno.EACCES, "denied"))
    assert not outputs.is_write_error(ConnectionRefusedError(errno.ECONNREFUSED, "refused"))
    assert not outputs.is_write_error(ValueError("x"))
    assert outputs.is_disk_full(OSError(errno.EDQUOT, "quota"))
    assert not outputs.is_disk_full(PermissionError(errno.EACCES, "denied"))


def test_cli_names_a_full_disk_that_no_writer_named(monkeypatch, capsys):
    import sim.params
    from sim.cli import main

    def full(kind=None):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "/data/out/table.csv")

    monkeypatch.setattr(sim.params, "parameter_table", full)
    with pytest.raises(SystemExit) as exc:
        main(["params"])
    assert exc.value.code == 1
    assert capsys.readouterr().err.strip() == (
        "error: disk full: no space left to write into /data/out (No space left on device); "
        "free some space")
