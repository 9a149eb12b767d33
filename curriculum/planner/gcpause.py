"""Planning without Python's cyclic garbage collector running in the middle.

A plan on a dense catalogue allocates hundreds of thousands of small objects (graphs, bounds, the solver
model) beside the catalogue's long-lived ones (20,000 pydantic modules): the collector's full passes walked
all of them several times per plan — 0.4 of 1.3 s on a 20,000-module dense catalogue. The collector is paused
for the plan and resumed after it (the plan's own cycles are then collected as usual); nested pauses are one.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def gc_paused(func: Callable[P, R]) -> Callable[P, R]:
    """``func`` with the cyclic garbage collector paused while it runs (resumed if it was enabled)."""
    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if not gc.isenabled():
            return func(*args, **kwargs)
        gc.disable()
        try:
            return func(*args, **kwargs)
        finally:
            gc.enable()
    return wrapper
