"""Exit 0 if two results files (of run, compare or batch) hold the same objects, datasets and
attributes, bit for bit, apart from what says when and how the file was made (the root's
command line, history, start and end times, thread count, the shards a merge joined). Used by tests/cli/mpi.sh to show that
an MPI run writes what one process writes.
   usage: same_file_data.py A.h5 B.h5"""
import sys

import h5py
import numpy as np

# what may differ: when and how the file was made, not what it holds
PROVENANCE = {"command_line", "history", "started", "finished", "created", "threads", "merged_from"}
# dimension-scale links: HDF5 object references, equal in meaning but not comparable by value
LINKS = {"DIMENSION_LIST", "REFERENCE_LIST"}


def same_value(x, y):
    x, y = np.asarray(x), np.asarray(y)
    if x.dtype.kind in "OSU" or y.dtype.kind in "OSU":
        return x.shape == y.shape and x.tolist() == y.tolist()
    return x.dtype == y.dtype and x.shape == y.shape and x.tobytes() == y.tobytes()


def objects(f):
    out = {"/": f}
    f.visititems(lambda name, obj: out.__setitem__(name, obj))
    return out


def main(a_path, b_path):
    problems = []
    with h5py.File(a_path, "r") as a, h5py.File(b_path, "r") as b:
        A, B = objects(a), objects(b)
        for name in sorted(set(A) ^ set(B)):
            problems.append(f"{name}: in one file only")
        for name in sorted(set(A) & set(B)):
            x, y = A[name], B[name]
            skip = LINKS | (PROVENANCE if name == "/" else set())
            keys = set(x.attrs) | set(y.attrs)
            for k in sorted(keys - skip):
                if k not in x.attrs or k not in y.attrs:
                    problems.append(f"{name}@{k}: in one file only")
                elif not same_value(x.attrs[k], y.attrs[k]):
                    problems.append(f"{name}@{k} differs")
            if isinstance(x, h5py.Dataset) and not same_value(x[()], y[()]):
                problems.append(f"{name} differs")
    for p in problems[:20]:
        print(p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
