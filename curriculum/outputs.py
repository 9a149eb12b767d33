"""Safe file outputs: atomic writes, and a ``--out`` target that can only be a regular file.

Every file the product saves goes through :func:`atomic_write`: the bytes go to a temporary file in
the same folder, are flushed to disk, then ``os.replace`` puts them in place in one step — a crash,
a full disk or a ``kill -9`` leaves the previous file whole, never half a file.

:func:`write_output` is what ``--out FILE`` does in every command: it refuses what is not (or would
not become) a regular file — a directory, a symlink, a FIFO, a device, a socket — and any input file
of the same command (a plan written over its own profile), with :class:`~curriculum.errors.InputError`
(CLI exit 2), before anything is written. ``-`` means standard output.
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from curriculum.errors import InputError

STDOUT = "-"


def atomic_write(path: Path | str, data: bytes | str, *, encoding: str = "utf-8") -> None:
    """Write ``data`` (``str`` is encoded with ``encoding``) to ``path`` atomically.

    The new file gets the usual permissions (0666 minus the umask), or the old file's mode when
    it replaces one.

    Raises
    ------
    OSError
        When writing or replacing fails (read-only folder, full disk: ``ENOSPC``/``EFBIG``); ``path``
        then keeps its previous content and no temporary file is left.
    """
    path = Path(path)
    raw = data.encode(encoding) if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            mode = stat.S_IMODE(os.stat(path).st_mode)
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def check_output(out: Path | str, inputs: Iterable[Path | str | None] = ()) -> Path | None:
    """Validate an ``--out`` target before any work is done; None means standard output.

    Raises
    ------
    InputError
        (field ``--out``) When ``out`` is a directory, a symlink, a FIFO, a device or a socket; when
        it is one of ``inputs`` (same file, also through a link); when its folder does not exist.
    """
    if str(out) == STDOUT:
        return None
    out = Path(out)
    try:
        st = os.lstat(out)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise InputError(f"cannot use this path: {exc.strerror}", file=str(out), field="--out") from None
    if st is not None:
        kind = ("a directory" if stat.S_ISDIR(st.st_mode) else "a symbolic link" if stat.S_ISLNK(st.st_mode)
                else "a FIFO" if stat.S_ISFIFO(st.st_mode) else "a device" if stat.S_ISCHR(st.st_mode)
                or stat.S_ISBLK(st.st_mode) else "a socket" if stat.S_ISSOCK(st.st_mode) else None)
        if kind:
            raise InputError(f"refusing to write over {kind}; give a regular file (or - for standard output)",
                             file=str(out), field="--out")
    if not out.parent.is_dir():
        raise InputError("folder does not exist", file=str(out.parent), field="--out")
    for given in inputs:
        if given is None or str(given) == STDOUT:
            continue
        source = Path(given)
        same = out.resolve() == source.resolve()
        if not same and st is not None and source.exists():
            same = os.path.samefile(out, source)
        if same:
            raise InputError(f"refusing to overwrite the input file {source}; choose another output file",
                             file=str(out), field="--out")
    return out


def write_output(data: bytes | str, out: Path | str | None, inputs: Iterable[Path | str | None] = ()) -> Path | None:
    """Write ``data`` to standard output (``out`` None or ``-``) or atomically to the file ``out``.

    Returns the path written, or None for standard output.

    Raises
    ------
    InputError
        See :func:`check_output`; also when the file cannot be written (the message gives the reason,
        e.g. "No space left on device"; the previous file is untouched).
    """
    target = check_output(out, inputs) if out is not None else None
    if target is None:
        if isinstance(data, bytes):
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            sys.stdout.write(data if data.endswith("\n") else data + "\n")
            sys.stdout.flush()
        return None
    try:
        atomic_write(target, data)
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror or exc}", file=str(target), field="--out") from None
    return target
