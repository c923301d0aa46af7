"""Integrity checks of sixparty results and batch files, with h5py and numpy only.

``tools/sixparty_results.py`` runs :func:`check_file` on a file in a separate Python process
before it reads the file itself (``python3 sixparty_check.py PATH``): the HDF5 library can crash
on a damaged index, and a crash there is reported as a damaged file instead of taking the
caller (a notebook, a script) down. The check reads what the readers will read: every object,
every attribute, every text (against the root attribute ``strings_digest``, the program's
digest of all variable-length texts), and every numeric dataset (whole up to 64 MiB, which
verifies its Fletcher-32 checksums, until 256 MiB have been read; the chunk index of the others). Exit 0 when the file is
sound, 2 with a message on stderr when it is not.
"""

from __future__ import annotations

import os
import sys

import h5py
import numpy as np

WHOLE_BYTES = 64 << 20
"""Numeric datasets up to this size are read whole by the check; larger ones have their chunk
index read (their data are verified by their checksums when a reader reads them)."""
BUDGET_BYTES = 256 << 20
"""The check reads at most this much data whole in all (then chunk indexes only), so that its
time stays bounded on a large sound file."""


def read_limit_bytes() -> int:
    """The most a reader loads from one dataset: SIXPARTY_READ_LIMIT_MB, else 4096 MiB (as the
    program's readers)."""
    v = os.environ.get("SIXPARTY_READ_LIMIT_MB", "")
    mb = int(v) if v.isdigit() and 0 < int(v) < 2**40 else 4096
    return mb << 20


class TextDigest:
    """The program's digest of texts (FNV-1a 64 over UTF-8 bytes, each text closed by 0xff; a
    list adds its length first), as stored in ``text_digest`` and ``strings_digest``."""

    def __init__(self):
        self.h = 1469598103934665603

    def add(self, value) -> "TextDigest":
        if isinstance(value, (list, tuple)):
            self.add(str(len(value)))
            for v in value:
                self.add(v)
            return self
        for c in str(value).encode() + b"\xff":
            self.h = ((self.h ^ c) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
        return self

    def value(self) -> int:
        return self.h >> 1


class Damaged(ValueError):
    """The file is not sound; the message names the file and the object."""


def _vlen(dt) -> bool:
    info = h5py.check_string_dtype(dt)
    return info is not None and info.length is None


def _as_list(v) -> list:
    v = np.asarray(v, dtype=object).ravel()
    return [x.decode("utf-8") if isinstance(x, bytes) else ("" if x is None else str(x)) for x in v]


def check_file(path: str) -> None:
    """Raises Damaged when the file at ``path`` (already known to be a regular HDF5 file) is not
    sound; other exceptions of h5py mean the same and are turned into Damaged by ``main``."""
    limit = read_limit_bytes()
    texts = {}
    budget = [BUDGET_BYTES]
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            where = f"'{path}': /{name}"
            for attr in obj.attrs:
                dt = obj.attrs.get_id(attr).dtype
                value = obj.attrs[attr]
                if _vlen(dt):
                    texts[f"{name}@{attr}"] = _as_list(value)
            if not isinstance(obj, h5py.Dataset):
                return
            text = _vlen(obj.dtype)
            need = obj.size * (64 if text else obj.dtype.itemsize)
            if need > limit:
                raise Damaged(f"{where} would need {need >> 20} MiB, over the readers' limit of {limit >> 20} MiB "
                              f"(raise it with SIXPARTY_READ_LIMIT_MB if the file is sound)")
            if text:
                texts[name] = _as_list(obj[()])
            elif need <= WHOLE_BYTES and need <= budget[0]:
                budget[0] -= need
                try:
                    obj[()]
                except OSError as e:
                    raise Damaged(f"{where} cannot be read (damaged: {e})") from None
            elif obj.chunks is not None:  # (a large contiguous dataset has no index to read)
                for k in range(obj.id.get_num_chunks()):
                    obj.id.get_chunk_info(k)

        visit("", f)
        f.visititems(visit)
        stored = f.attrs.get("strings_digest")
    if stored is not None:
        d = TextDigest()
        for k in sorted(texts):
            d.add(k).add(texts[k])
        if d.value() != int(stored):
            raise Damaged(f"'{path}' is damaged: its texts (names, units, scenario texts) do not match their digest "
                          f"(root attribute strings_digest)")


def main(argv) -> int:
    if len(argv) != 2:
        print("usage: sixparty_check.py FILE.h5", file=sys.stderr)
        return 2
    try:
        check_file(argv[1])
    except Damaged as e:
        print(e, file=sys.stderr)
        return 2
    except (OSError, KeyError, ValueError, TypeError, IndexError, RuntimeError, UnicodeDecodeError) as e:
        print(f"'{argv[1]}' is damaged: {type(e).__name__}: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
