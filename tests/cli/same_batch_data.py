"""Exit 0 if two batch results files hold the same design, runs and per-point summaries, bit
for bit (used by tests/cli/batch.sh to compare a resumed batch with an uninterrupted one)."""
import sys

import h5py


def main(a_path, b_path):
    with h5py.File(a_path, "r") as a, h5py.File(b_path, "r") as b:
        for group in ("design", "runs", "points/mean", "points/sd", "failures"):
            for name, d in a[group].items():
                if not isinstance(d, h5py.Dataset):
                    continue
                x, y = d[()], b[group][name][()]
                if x.dtype.kind == "O":  # strings: compare the values, not the pointers
                    same = x.shape == y.shape and list(x.ravel()) == list(y.ravel())
                else:
                    same = x.dtype == y.dtype and x.shape == y.shape and x.tobytes() == y.tobytes()
                if not same:
                    print(f"{group}/{name} differs", file=sys.stderr)
                    return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
