"""The Python readers (tools/sixparty_results.py) on damaged files (issue 19): a run file and a
batch file with one flipped bit are either read to the same answer (the bit was in unused
space) or refused with a ResultsError naming the file; never another exception, a crash or a
different answer. Hand-damaged files check the specific checks (shapes, types, sizes against
the memory limit, texts against their digests, special files).

    SIXPARTY_BIN=build/release/sim/sixparty /usr/bin/python3 -m pytest tests/python/test_damaged_files.py -q
"""

import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
BIN = Path(os.environ.get("SIXPARTY_BIN") or REPO / "build" / "release" / "sim" / "sixparty")
sys.path.insert(0, str(REPO / "tools"))
import sixparty_results as sr  # noqa: E402

FLIPS = int(os.environ.get("SIXPARTY_READER_FLIPS", "40"))


def sixparty(*args):
    if not BIN.is_file():
        pytest.skip(f"no sixparty binary at {BIN} (set SIXPARTY_BIN)")
    r = subprocess.run([str(BIN), *map(str, args)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    return r


@pytest.fixture(scope="module")
def run_file(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "run.h5"
    sixparty("run", REPO / "scenarios" / "status_quo.yaml", "-n", 3, "-o", out, "-q")
    return out


@pytest.fixture(scope="module")
def batch_file(tmp_path_factory):
    out = tmp_path_factory.mktemp("batch") / "batch.h5"
    sixparty("batch", REPO / "tests" / "data" / "fuzz" / "batch_seed.yaml", "-o", out, "-q")
    return out


def read_run(path):
    return [sr.metadata(path), sr.metadata(path, "status_quo"), sr.outcomes(path, "status_quo"),
            sr.summary(path, "status_quo"), sr.draws(path, "status_quo")]


def read_batch(path):
    return [sr.experiment(path), sr.design(path), sr.runs(path), sr.points(path), sr.batch_draws(path),
            sr.failures(path)]


def same(a, b) -> bool:
    """Equal answers: data frames and datasets value for value (NaN equal to NaN), dicts key for key."""
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if hasattr(a, "equals"):  # pandas and xarray objects
        if not a.equals(b):
            return False
        return same(dict(a.attrs), dict(b.attrs))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, np.ndarray):
        return a.shape == b.shape and all(same(x, y) for x, y in zip(a.ravel(), b.ravel()))
    if isinstance(a, float) and np.isnan(a):
        return isinstance(b, float) and np.isnan(b)
    return a == b


def flipped(source: Path, dest: Path, rng: random.Random) -> int:
    data = bytearray(source.read_bytes())
    # half in the first 4 KiB (superblock, root group, headers), half anywhere
    offset = rng.randrange(len(data)) if rng.random() < 0.5 else rng.randrange(min(4096, len(data)))
    data[offset] ^= 1 << rng.randrange(8)
    dest.write_bytes(data)
    return offset


@pytest.mark.parametrize("kind", ["run", "batch"])
def test_a_flipped_bit_gives_the_same_answer_or_a_results_error(kind, run_file, batch_file, tmp_path):
    source, read = (run_file, read_run) if kind == "run" else (batch_file, read_batch)
    base = read(source)
    rng = random.Random(1919)
    tally = {"same": 0, "refused": 0}
    for k in range(FLIPS):
        damaged = tmp_path / f"d{k}.h5"
        offset = flipped(source, damaged, rng)
        # in a child process: the HDF5 library can crash on a damaged index, and that must show
        # here as a failure of the test rather than take pytest down
        pid = os.fork()
        if pid == 0:
            code = 3
            try:
                code = 0 if same(read(damaged), base) else 1
            except sr.ResultsError as e:
                code = 2 if str(damaged) in str(e) else 4
            except BaseException as e:  # noqa: BLE001 -- any other exception is the failure reported
                print(f"flip at {offset}: {type(e).__name__}: {e}", file=sys.stderr)
                code = 3
            os._exit(code)
        _, status = os.waitpid(pid, 0)
        assert os.WIFEXITED(status), f"flip at byte {offset}: the reader died by signal {os.WTERMSIG(status)}"
        code = os.WEXITSTATUS(status)
        assert code != 1, f"flip at byte {offset}: read without error to another answer"
        assert code != 3, f"flip at byte {offset}: an exception other than ResultsError"
        assert code != 4, f"flip at byte {offset}: the ResultsError does not name the file"
        tally["same" if code == 0 else "refused"] += 1
    print(f"{kind}: {FLIPS} flipped bits: {tally['same']} same answer, {tally['refused']} refused")


def damage(source, dest, edit, keep_digest=True):
    """A copy of ``source`` edited with h5py; ``keep_digest=False`` also drops the root
    strings_digest (as in files written before it was kept), so that the checks behind it speak."""
    shutil.copy(source, dest)
    with h5py.File(dest, "r+") as f:
        edit(f)
        if not keep_digest:
            del f.attrs["strings_digest"]
    return dest


def refused(fn, path, text):
    with pytest.raises(sr.ResultsError) as e:
        fn(path)
    assert str(path) in str(e.value) and text in str(e.value), str(e.value)


def test_a_changed_text_is_refused(run_file, batch_file, tmp_path):
    def rename(f):
        f["status_quo/outcomes/actor_name"][0] = "Rusia"
    refused(lambda p: sr.summary(p, "status_quo"), damage(run_file, tmp_path / "a.h5", rename), "strings_digest")
    def retitle(f):
        f["experiment"].attrs["name"] = "other"
    refused(sr.design, damage(batch_file, tmp_path / "b.h5", retitle), "digest")


def test_shapes_types_and_sizes_are_checked(batch_file, tmp_path, monkeypatch):
    def reshape(f):
        v = f["runs/final_utility"][()]
        del f["runs/final_utility"]
        f["runs/final_utility"] = v[:-1]
    refused(sr.runs, damage(batch_file, tmp_path / "s.h5", reshape, keep_digest=False), "final_utility has shape")
    def retype(f):
        v = f["points/mean/collapsed"][()]
        del f["points/mean/collapsed"]
        f["points/mean/collapsed"] = v.astype("i8")
    refused(sr.points, damage(batch_file, tmp_path / "t.h5", retype, keep_digest=False), "collapsed has shape")
    def huge(f):
        del f["runs/war"]
        f["runs"].create_dataset("war", shape=(10**9, 6), dtype="f8", chunks=(1024, 6))
    path = damage(batch_file, tmp_path / "h.h5", huge, keep_digest=False)
    assert path.stat().st_size < 10**7
    refused(sr.runs, path, "war")  # declared (10^9, 6): the shape check refuses it before reading
    monkeypatch.setenv("SIXPARTY_READ_LIMIT_MB", "1")
    def big(f):
        f["design"].create_dataset("big", data=np.zeros(200_000))
    with h5py.File(damage(batch_file, tmp_path / "m.h5", big, keep_digest=False), "r") as f:
        with pytest.raises(sr.ResultsError, match="over the readers' limit of 1 MiB"):
            sr._read_values(f["design/big"])


def test_special_files_are_refused(tmp_path):
    fifo = tmp_path / "pipe.h5"
    os.mkfifo(fifo)
    refused(sr.metadata, fifo, "not a regular file")
    refused(sr.metadata, Path("/dev/zero"), "not a regular file")
