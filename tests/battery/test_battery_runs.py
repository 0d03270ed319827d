"""Battery: report runs that clean up after themselves and fail clearly, under REAL faults.

Every fault here is real: ``omniseg report`` runs in a child process and is sent SIGTERM, SIGINT
or SIGKILL mid-notebook; two runs race for one run name; the reports folder and the temporary
folder are small tmpfs mounts filled up or remounted read-only (skipped where mounting is not
permitted). Each test states the exact outcome: exit status, message, and which files exist
afterwards (snapshots are looked for in a per-test ``TMPDIR``).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from notebook_builders import report_notebook

from omniseg.errors import EXIT_CANNOT_WRITE, EXIT_LOCKED, EXIT_USAGE
from omniseg.report.run_lock import sweep_stale

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="signals, /proc and tmpfs: Linux")

#: Writes the kernel's pid to $OMNISEG_TEST_MARKER (if set), then sleeps $OMNISEG_TEST_SLEEP s
#: or until the file $OMNISEG_TEST_RELEASE exists.
SLEEPY_CELL = (
    "import os, pathlib, time\n"
    "if os.environ.get('OMNISEG_TEST_MARKER'):\n"
    "    pathlib.Path(os.environ['OMNISEG_TEST_MARKER']).write_text(str(os.getpid()))\n"
    "deadline = time.time() + float(os.environ.get('OMNISEG_TEST_SLEEP', '0'))\n"
    "release = os.environ.get('OMNISEG_TEST_RELEASE', '')\n"
    "while time.time() < deadline and not (release and os.path.exists(release)):\n"
    "    time.sleep(0.05)"
)
DVE_CELL = (
    "from omniseg.errors import DataValidationError, Problem\n"
    "raise DataValidationError([\n"
    "    Problem('customers.csv', 'age', 'must be >= 0', 'correct the ages', (3, 7), 2),\n"
    "    Problem('interactions.csv', 'channel', 'unknown label kiosk', 'add an alias'),\n"
    "])"
)


def _make_workspace(tmp_path: Path) -> Path:
    """Tiny inputs, tiny notebooks (no omniseg import in the kernel), a private TMPDIR."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "customers.csv").write_text(
        "customer_id,email,age\nC1,ana@example.com,34\nC2,bo@example.com,61\n", encoding="utf-8"
    )
    (tmp_path / "interactions.csv").write_text(
        "timestamp,channel,event,customer_id,revenue\n"
        "2026-01-03 10:00:00,Web,view,C1,\n"
        "2026-01-04 11:00:00,Tienda,purchase,C2,40.5\n",
        encoding="utf-8",
    )
    nbs = tmp_path / "nbs"
    nbs.mkdir()
    notebooks = {
        "quick.ipynb": report_notebook("print('quick', run_name)"),
        "sleepy.ipynb": report_notebook("print('before')", SLEEPY_CELL),
        "dve.ipynb": report_notebook("x = 1", DVE_CELL),
        "zde.ipynb": report_notebook("x = 1", "y = 2", "x / 0"),
        "first.ipynb": report_notebook(
            "import os\nleft_by_first = os.getpid()\nprint('pid', os.getpid())"
        ),
        "second.ipynb": report_notebook(
            "import os\nprint('pid', os.getpid())\n"
            "print('sees first:', 'left_by_first' in globals())"
        ),
        "model.ipynb": report_notebook(
            "import pathlib\npathlib.Path(output_dir, 'model.skops').write_bytes(b'written model')"
        ),
    }
    for name, nb in notebooks.items():
        nbformat.write(nb, nbs / name)
    (tmp_path / "tmp").mkdir()
    return tmp_path


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    """A fresh workspace (see :func:`_make_workspace`)."""
    return _make_workspace(tmp_path / "ws")


def _params(ws: Path, notebooks: list[str], *, out: str = "out", extra: str = "") -> Path:
    path = ws / f"params-{len(list(ws.glob('params-*.yaml')))}.yaml"
    path.write_text(
        f"run_name: weekly\noutput_dir: {out}\nnotebook_dir: nbs\nnotebooks: {notebooks}\n"
        "data: {customers: customers.csv, interactions: interactions.csv}\n" + extra,
        encoding="utf-8",
    )
    return path


def _env(ws: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OMNISEG_TEST")}
    env.update(TMPDIR=str(ws / "tmp"), PYTHONUNBUFFERED="1", **extra)
    return env


def _start(ws: Path, params: Path, *args: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "omniseg.cli", "report", "--params", str(params), "--quiet", *args],
        cwd=ws,
        env=_env(ws, **env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _report(ws: Path, params: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    proc = _start(ws, params, *args, **env)
    try:
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:  # pragma: no cover - only if the run hangs
            proc.kill()
            proc.communicate()
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def _wait_for(path: Path, proc: subprocess.Popen[str], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if proc.poll() is not None:
            raise AssertionError(f"run ended early ({proc.returncode}): {proc.stderr.read()}")
        if time.monotonic() > deadline:  # pragma: no cover
            proc.kill()
            raise AssertionError(f"{path} never appeared")
        time.sleep(0.05)


def _kernels_of(runner_pid: int) -> list[int]:
    """Live processes whose JPY_PARENT_PID is ``runner_pid``: the run's kernels."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            environ = (proc / "environ").read_bytes().split(b"\0")
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if f"JPY_PARENT_PID={runner_pid}".encode() in environ and state != "Z":
            found.append(int(proc.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _snapshots(ws: Path) -> list[Path]:
    return sorted((ws / "tmp").glob("omniseg-snapshot-*"))


def _hidden(out: Path) -> list[str]:
    """Hidden entries of the reports folder (temporaries, locks, failed attempts)."""
    return sorted(p.name for p in out.iterdir() if p.name.startswith(".")) if out.exists() else []


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def good_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A good report folder written once by a real run (copied into each test's ``out/``)."""
    template = _make_workspace(tmp_path_factory.mktemp("template"))
    done = _report(template, _params(template, ["quick.ipynb"]))
    assert done.returncode == 0, done.stderr
    return template / "out" / "weekly"


def _put_previous(good_report: Path, out: Path) -> dict[str, bytes]:
    shutil.copytree(good_report, out / "weekly")
    return _tree(out / "weekly")


@pytest.fixture
def previous(ws: Path, good_report: Path) -> dict[str, bytes]:
    """A previous report in ``ws/out/weekly``; returns its files' bytes."""
    return _put_previous(good_report, ws / "out")


# --- signals ----------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(("sig", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_signal_mid_notebook_stops_kernel_and_cleans_up(ws, previous, sig, code):
    marker = ws / "kernel.pid"
    proc = _start(
        ws,
        _params(ws, ["quick.ipynb", "sleepy.ipynb"]),
        OMNISEG_TEST_MARKER=str(marker),
        OMNISEG_TEST_SLEEP="60",
    )
    _wait_for(marker, proc)
    kernel = int(marker.read_text())
    assert _kernels_of(proc.pid) == [kernel]  # the sleeping cell's kernel is there
    assert len(_snapshots(ws)) == 1 and any(".weekly.tmp-" in n for n in _hidden(ws / "out"))

    t0 = time.monotonic()
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=30)
    took = time.monotonic() - t0
    err = err

    name = signal.Signals(sig).name
    assert proc.returncode == code, err
    assert err.strip() == (
        f"omniseg report interrupted by {name}; nothing was written, the previous report in "
        f"{ws / 'out' / 'weekly'} is unchanged."
    )
    assert out == ""
    print(f"cleanup after {name}: {took:.2f} s")
    assert took < 10, f"cleanup took {took:.1f} s"
    assert not _alive(kernel) and _kernels_of(proc.pid) == []
    assert _snapshots(ws) == []
    assert _hidden(ws / "out") == []  # no .tmp-*, no lock, no .failed-*
    assert _tree(ws / "out" / "weekly") == previous


@pytest.mark.slow
def test_sigkill_leftovers_are_swept_by_the_next_run(ws, previous):
    marker = ws / "kernel.pid"
    params = _params(ws, ["sleepy.ipynb"])
    proc = _start(ws, params, OMNISEG_TEST_MARKER=str(marker), OMNISEG_TEST_SLEEP="60")
    _wait_for(marker, proc)
    kernel = int(marker.read_text())
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    # Expected right after a SIGKILL: nothing could clean up.
    left_snap = _snapshots(ws)
    left_tmp = [n for n in _hidden(ws / "out") if n.startswith(".weekly.tmp-")]
    assert len(left_snap) == 1 and len(left_tmp) == 1
    assert str(proc.pid) in left_snap[0].name and str(proc.pid) in left_tmp[0]
    # The orphaned kernel notices its parent is gone and exits (ipykernel's parent poller).
    deadline = time.monotonic() + 10
    while _alive(kernel) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(kernel)

    again = _report(ws, params)  # OMNISEG_TEST_SLEEP unset: the notebook is quick now
    assert again.returncode == 0, again.stderr
    assert _snapshots(ws) == []
    assert _hidden(ws / "out") == []
    assert (ws / "out" / "weekly" / "notebooks" / "sleepy.ipynb").is_file()
    assert "quick.ipynb" not in _tree(ws / "out" / "weekly")["manifest.json"].decode()
    assert previous.keys() != _tree(ws / "out" / "weekly").keys()  # replaced by the new report


def test_sweep_keeps_live_owners_and_removes_dead_ones(ws, tmp_path):
    """Unit check of the ownership rule, with a live and a dead (reaped) process."""
    out, tmp = ws / "sweep-out", ws / "sweep-tmp"
    out.mkdir()
    tmp.mkdir()
    dead = subprocess.Popen(["true"])
    dead.wait()
    from omniseg.report.run_lock import HOST_TAG as _HOST_TAG

    live_tag, dead_tag = f"{os.getpid()}h{_HOST_TAG}", f"{dead.pid}h{_HOST_TAG}"
    names = {
        out / f".other.tmp-{live_tag}-abc": True,  # a live run of another name: kept
        out / f".other.tmp-{dead_tag}-abc": False,
        out / f".other.old-{dead_tag}-abc": False,
        out / f".mine.tmp-{live_tag}-abc": False,  # the locked name: all of them go
        out / ".legacy.tmp-abcdefgh": True,  # owner unknown, young: kept (24 h rule)
        out / "not-a-temp": True,
        tmp / f"omniseg-snapshot-{live_tag}-abc": True,
        tmp / f"omniseg-snapshot-{dead_tag}-abc": False,
        tmp / f"omniseg-snapshot-{dead.pid}hffffff-abc": True,  # another host: by age only
    }
    for path in names:
        path.mkdir()
    old = out / ".legacy.tmp-ijklmnop"
    old.mkdir()
    os.utime(old, (time.time() - 25 * 3600,) * 2)
    removed = sweep_stale(out, "mine", temp_dir=tmp)
    assert sorted(removed) == sorted([p for p, keep in names.items() if not keep] + [old])
    assert all(p.exists() == keep for p, keep in names.items())


# --- the lock ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_second_run_of_same_name_fails_fast_and_first_succeeds(ws, previous):
    marker = ws / "kernel.pid"
    params = _params(ws, ["sleepy.ipynb"])
    release = ws / "release"
    first = _start(
        ws,
        params,
        OMNISEG_TEST_MARKER=str(marker),
        OMNISEG_TEST_SLEEP="60",
        OMNISEG_TEST_RELEASE=str(release),
    )
    _wait_for(marker, first)
    t0 = time.monotonic()
    second = _report(ws, params)
    took = time.monotonic() - t0
    assert second.returncode == EXIT_LOCKED == 75
    assert second.stderr.strip() == (
        f"error: Another omniseg report run named 'weekly' is in progress (pid {first.pid}) in "
        f"{ws / 'out'}. Fix: wait for it to finish, or give this run another name (--run-name)."
    )
    assert took < 15  # only the interpreter's start-up: no data loaded, no kernel
    assert first.poll() is None  # the first run went on
    release.touch()
    out, err = first.communicate(timeout=60)
    assert first.returncode == 0, err
    assert out.strip() == str(ws / "out" / "weekly" / "report.html")
    assert (
        "sleepy.ipynb"
        in json.loads((ws / "out" / "weekly" / "manifest.json").read_text())["parameters"][
            "notebooks"
        ]
    )
    assert _hidden(ws / "out") == [] and _snapshots(ws) == []


@pytest.mark.slow
def test_live_run_of_another_name_is_not_swept(ws):
    marker = ws / "kernel.pid"
    other = _start(
        ws,
        _params(ws, ["sleepy.ipynb"]),
        "--run-name",
        "other",
        OMNISEG_TEST_MARKER=str(marker),
        OMNISEG_TEST_SLEEP="60",
        OMNISEG_TEST_RELEASE=str(ws / "release"),
    )
    _wait_for(marker, other)
    other_tmp = [n for n in _hidden(ws / "out") if n.startswith(".other.tmp-")]
    other_snap = _snapshots(ws)
    assert len(other_tmp) == 1 and len(other_snap) == 1

    mine = _report(ws, _params(ws, ["quick.ipynb"]))
    assert mine.returncode == 0, mine.stderr
    assert other.poll() is None, "the other run finished too early for this test"
    assert (ws / "out" / other_tmp[0]).is_dir() and other_snap[0].is_dir()  # not swept
    (ws / "release").touch()
    _, err = other.communicate(timeout=60)
    assert other.returncode == 0, err
    assert (ws / "out" / "other" / "report.html").is_file()
    assert _hidden(ws / "out") == [] and _snapshots(ws) == []


# --- file-system faults -----------------------------------------------------------------------


@pytest.fixture
def mount_tmpfs() -> Iterator:
    """``mount(folder, size)``: a tmpfs of ``size`` at ``folder``; unmounted at the end."""
    mounted: list[Path] = []

    def mount(folder: Path, size: str) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(folder)],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here (needs root): {done.stderr.strip()}")
        mounted.append(folder)
        return folder

    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    try:
        yield mount
    finally:
        for folder in reversed(mounted):
            subprocess.run(["umount", "-l", str(folder)], check=False)


def _fill(folder: Path, leave: int) -> None:
    """Fill the file system of ``folder`` until ``leave`` bytes are free."""
    st = os.statvfs(folder)
    free = st.f_bavail * st.f_frsize
    with open(folder / "filler.bin", "wb") as fh:
        fh.truncate(0)
        block = b"\0" * (1 << 20)
        todo = free - leave
        while todo > 0:
            fh.write(block[: min(todo, len(block))])
            todo -= len(block)


@pytest.mark.slow
def test_full_reports_disk_fails_clearly_and_keeps_previous_report(ws, mount_tmpfs, good_report):
    out = mount_tmpfs(ws / "out", "16m")
    params = _params(ws, ["quick.ipynb"])
    before = _put_previous(good_report, out)
    _fill(out, leave=1 << 20)  # room for the notebooks, not for the ~5 MB report page

    done = _report(ws, params)
    assert done.returncode == EXIT_CANNOT_WRITE == 73, done.stderr
    assert done.stderr.strip() == (
        f"error: Cannot write the report in the reports folder {out}: no space is left on its "
        "disk. Fix: free some space there or give another output_dir. Nothing was left behind; "
        f"the previous report in {out / 'weekly'} is unchanged."
    )
    assert "Traceback" not in done.stderr
    assert _tree(out / "weekly") == before
    assert sorted(p.name for p in out.iterdir()) == ["filler.bin", "weekly"]
    assert _snapshots(ws) == []


@pytest.mark.slow
def test_full_temp_folder_fails_clearly_before_anyreport_notebook(ws, previous, mount_tmpfs):
    tmp = mount_tmpfs(ws / "tmp", "1m")
    # One page left: Python's probe of TMPDIR (4 bytes) passes, the snapshot does not fit.
    _fill(tmp, leave=4096)
    done = _report(ws, _params(ws, ["quick.ipynb"]))
    assert done.returncode == EXIT_CANNOT_WRITE, done.stderr
    assert done.stderr.strip() == (
        f"error: Cannot write the data snapshot in the temporary folder {tmp}: no space is left "
        "on its disk. Fix: free some space there or set TMPDIR to a folder with room. Nothing "
        f"was left behind; the previous report in {ws / 'out' / 'weekly'} is unchanged."
    )
    assert _tree(ws / "out" / "weekly") == previous
    assert _hidden(ws / "out") == []
    assert sorted(p.name for p in tmp.iterdir()) == ["filler.bin"]


@pytest.mark.slow
def test_read_only_reports_folder_fails_clearly(ws, mount_tmpfs, good_report):
    out = mount_tmpfs(ws / "out", "16m")
    params = _params(ws, ["quick.ipynb"])
    before = _put_previous(good_report, out)
    subprocess.run(["mount", "-o", "remount,ro", str(out)], check=True)

    done = _report(ws, params)
    assert done.returncode == EXIT_CANNOT_WRITE, done.stderr
    assert done.stderr.strip() == (
        f"error: Cannot create the run's lock file in the reports folder {out}: it is on a "
        "read-only file system. Fix: make it writable or give another output_dir. Nothing was "
        f"left behind; the previous report in {out / 'weekly'} is unchanged."
    )
    assert _tree(out / "weekly") == before and _hidden(out) == [] and _snapshots(ws) == []


def test_output_dir_that_is_a_file(ws):
    (ws / "out").write_text("not a folder", encoding="utf-8")
    done = _report(ws, _params(ws, ["quick.ipynb"]))
    assert done.returncode == EXIT_USAGE == 2
    assert done.stderr.strip() == (
        f"error: The output_dir {ws / 'out'} cannot be used: {ws / 'out'} is a file, not a "
        "folder. Fix: give a folder as output_dir (--output-dir), or move the file. Nothing was "
        f"left behind; there was no previous report in {ws / 'out' / 'weekly'}."
    )
    assert (ws / "out").read_text(encoding="utf-8") == "not a folder"
    assert _snapshots(ws) == []


# --- errors inside a notebook ----------------------------------------------------------------


def test_data_error_in_notebook_exits_2_with_every_line(ws, previous):
    done = _report(ws, _params(ws, ["dve.ipynb"]))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert lines == [
        "error: Notebook dve.ipynb failed in cell 3 ('from omniseg.errors import "
        "DataValidationError, Problem'): DataValidationError: 2 problems found in the input "
        "data:",
        "  - customers.csv, column 'age': must be >= 0 (rows 3, 7). Fix: correct the ages",
        "  - interactions.csv, column 'channel': unknown label kiosk. Fix: add an alias",
        f"The previous report in {ws / 'out' / 'weekly'} was left untouched; the failed "
        f"attempt's notebooks are in {ws / 'out' / '.failed-weekly'}.",
    ]
    assert (ws / "out" / ".failed-weekly" / "notebooks" / "dve.ipynb").is_file()
    assert _tree(ws / "out" / "weekly") == previous
    assert _hidden(ws / "out") == [".failed-weekly"] and _snapshots(ws) == []


def test_plain_error_in_notebook_exits_1(ws):
    done = _report(ws, _params(ws, ["zde.ipynb"]))
    assert done.returncode == 1
    assert done.stderr.startswith(
        "error: Notebook zde.ipynb failed in cell 4 ('x / 0'): "
        "ZeroDivisionError: division by zero\n"
    )
    assert f"notebooks are in {ws / 'out' / '.failed-weekly'}." in done.stderr
    assert not (ws / "out" / "weekly").exists() and _snapshots(ws) == []


# --- the manifest ------------------------------------------------------------------------------


def test_manifest_records_model_hashes_and_snapshot_is_private(ws, monkeypatch):
    import pandas as pd

    from omniseg.config.params import load_params
    from omniseg.ingest.snapshot import create_snapshot_dir, save_snapshot
    from omniseg.report.runs import run_report
    from omniseg.segments.models import save_model
    from omniseg.segments.segmenter import Segmenter

    table = pd.DataFrame({"interactions_web": [1, 9] * 10, "interactions_store": [9, 1] * 10})
    blocks = {"channels": "channel_mix"}
    loaded = save_model(Segmenter(n_segments=2, blocks=blocks).fit(table), ws / "in.skops")
    params = _params(ws, ["model.ipynb"], extra="segmentation: {model: in.skops}\n")
    monkeypatch.setenv("TMPDIR", str(ws / "tmp"))
    monkeypatch.setattr("tempfile.tempdir", None)
    result = run_report(load_params(params), progress=False)
    model = result.manifest["model"]
    assert model == {
        "loaded": {
            "path": str(ws / "in.skops"),
            "sha256": hashlib.sha256(loaded.read_bytes()).hexdigest(),
        },
        "written": {
            "path": "model.skops",
            "sha256": hashlib.sha256(b"written model").hexdigest(),
        },
    }
    on_disk = json.loads((result.run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert on_disk["model"] == model
    assert _snapshots(ws) == [] and _hidden(ws / "out") == []

    # The snapshot folder and its files are the user's only (0700 / 0600).
    from omniseg.ingest.io import load_data

    snap = create_snapshot_dir(ws / "tmp", owner="test")
    save_snapshot(
        load_data(customers=ws / "customers.csv", interactions=ws / "interactions.csv"), snap
    )
    assert oct(snap.stat().st_mode & 0o777) == "0o700"
    assert {oct(p.stat().st_mode & 0o777) for p in snap.iterdir()} == {"0o600"}


def test_notebooks_of_a_run_share_one_kernel_with_a_fresh_session_each(ws):
    """One kernel process runs the run's notebooks in turn (imports are paid once), yet each
    notebook starts as in a new session: nothing the previous one defined, counter at 1."""
    done = _report(ws, _params(ws, ["first.ipynb", "second.ipynb"]))
    assert done.returncode == 0, done.stderr
    run = ws / "out" / "weekly" / "notebooks"
    outputs, counts = {}, {}
    for name in ("first", "second"):
        nb = nbformat.read(run / f"{name}.ipynb", as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        counts[name] = [c.execution_count for c in code]
        outputs[name] = "".join(o.get("text", "") for c in code for o in c.outputs)
    pids = {name: text.split("pid ")[1].split()[0] for name, text in outputs.items()}
    assert pids["first"] == pids["second"]
    assert "sees first: False" in outputs["second"]
    assert counts["first"] == counts["second"] == list(range(1, len(counts["first"]) + 1))
    assert not _alive(int(pids["first"]))  # reaped when the run ended


def test_a_failed_notebook_ends_the_shared_kernel(ws):
    """The kernel the first notebook ran in (its pid in the marker) is not left running when
    the second fails, and the notebook after it never runs."""
    marker = ws / "kernel.pid"
    params = _params(ws, ["sleepy.ipynb", "zde.ipynb", "second.ipynb"])
    done = _report(ws, params, OMNISEG_TEST_MARKER=str(marker))
    assert done.returncode == 1
    assert done.stderr.startswith("error: Notebook zde.ipynb failed in cell 4 ('x / 0')")
    assert not _alive(int(marker.read_text()))
    failed = ws / "out" / ".failed-weekly" / "notebooks"
    assert (failed / "sleepy.ipynb").is_file() and not (failed / "second.ipynb").exists()
