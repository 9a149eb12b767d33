"""Cross-process locks and time limits for the vector store.

* :func:`file_lock` — an advisory ``flock`` on a file, shared (many readers) or exclusive (one
  writer), waited for at most ``timeout`` seconds. The kernel releases it when the process dies
  (``kill -9`` included), so a crash never leaves a stale lock. POSIX only; on platforms without
  ``fcntl`` the lock is a no-op and the README says to use the Chroma server mode there.
* :func:`call_with_timeout` — runs a store call in a daemon thread and gives up after ``timeout``
  seconds with a one-line :class:`~curriculum.errors.RetrievalError`, so a wedged store never hangs
  the CLI or the UI.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from curriculum.errors import RetrievalError

try:  # pragma: no cover - platform dependent
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

T = TypeVar("T")
POLL_S = 0.05


class LockTimeout(RetrievalError):
    """The lock was held by another process for longer than the wait allowed."""


def lock_fd(path: Path, *, shared: bool, timeout: float, create: bool = True) -> int:
    """Open ``path`` and take a shared or exclusive ``flock`` on it; return the descriptor (closing it
    releases the lock).

    Parameters
    ----------
    path
        Lock file. Created when ``create`` (a reader passes ``create=False`` and opens it read-only,
        so it works in a read-only data folder).
    shared
        True for a reader's shared lock, False for a writer's exclusive lock.
    timeout
        Seconds to wait; 0 tries once.

    Raises
    ------
    LockTimeout
        When the lock is still held by another process after ``timeout`` seconds.
    FileNotFoundError
        When ``create`` is False and the file does not exist.
    """
    fd = os.open(path, os.O_RDWR | os.O_CREAT if create else os.O_RDONLY, 0o644)
    if fcntl is None:  # pragma: no cover - Windows
        return fd
    mode = (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, mode)
            return fd
        except BlockingIOError:
            if time.monotonic() >= deadline:
                os.close(fd)
                raise LockTimeout(f"{path} is locked by another process (waited {timeout:g} s)") from None
            time.sleep(POLL_S)


@contextlib.contextmanager
def file_lock(path: Path, *, shared: bool, timeout: float, create: bool = True) -> Iterator[int]:
    """:func:`lock_fd` for the ``with`` block (same parameters and errors)."""
    fd = lock_fd(path, shared=shared, timeout=timeout, create=create)
    try:
        yield fd
    finally:
        os.close(fd)


def try_exclusive(path: Path) -> bool:
    """True when nobody holds any lock on ``path`` right now (used to collect unused generations)."""
    try:
        with file_lock(path, shared=False, timeout=0, create=False):
            return True
    except (LockTimeout, FileNotFoundError):
        return False
    except OSError:
        return False


def call_with_timeout(fn: Callable[[], T], timeout: float, what: str) -> T:
    """Run ``fn()`` in a daemon thread; return its result or re-raise its exception.

    Raises
    ------
    RetrievalError
        When ``fn`` has not returned after ``timeout`` seconds (the thread is abandoned; being a
        daemon it never keeps the process alive).
    """
    box: dict[str, object] = {}

    def run() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=run, name=f"store:{what}", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise RetrievalError(f"the vector store did not answer within {timeout:g} s ({what}); "
                             "set CURRICULUM_STORE_TIMEOUT to wait longer, or check the store")
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]  # type: ignore[return-value]
