"""OR-Tools CP-SAT (``cp_model``) without importing pandas at start-up.

``ortools.sat.python.cp_model`` (OR-Tools 9.15) imports pandas at module level — about 0.7 s of a 1.9 s
``curriculum plan`` process on this machine — for its pandas helpers (``new_int_var_series`` and the like),
which this project does not use. It is imported here with a stand-in ``pandas`` module whose ``Index`` and
``Series`` defer to the real pandas when used (an ``isinstance`` check looks at the real classes once pandas
is loaded; constructing one imports it); the stand-in leaves ``sys.modules`` at once, so every other import
of pandas gets the real one. When pandas is already loaded, or the stand-in is not enough for the installed
OR-Tools, ``cp_model`` is imported as usual.

Import it as ``from curriculum.cpsat import cp_model``.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

_MODULE = "ortools.sat.python.cp_model"


def _stand_in() -> types.ModuleType:
    module = types.ModuleType("pandas")

    class _Deferred(type):
        def __instancecheck__(cls, obj: object) -> bool:
            real = sys.modules.get("pandas")
            return real is not None and real is not module and isinstance(obj, getattr(real, cls.__name__))

    class Index(metaclass=_Deferred):
        def __new__(cls, *args: Any, **kwargs: Any) -> Any:
            import pandas

            return pandas.Index(*args, **kwargs)

    class Series(metaclass=_Deferred):
        def __new__(cls, *args: Any, **kwargs: Any) -> Any:
            import pandas

            return pandas.Series(*args, **kwargs)

    module.Index, module.Series = Index, Series  # type: ignore[attr-defined]
    return module


def _import() -> types.ModuleType:
    if _MODULE in sys.modules or "pandas" in sys.modules:
        return importlib.import_module(_MODULE)
    stand_in = _stand_in()
    sys.modules["pandas"] = stand_in
    try:
        return importlib.import_module(_MODULE)
    except Exception:  # noqa: BLE001 - another OR-Tools needs more of pandas: import it as usual
        sys.modules.pop(_MODULE, None)
        sys.modules.pop("pandas", None)
        return importlib.import_module(_MODULE)
    finally:
        if sys.modules.get("pandas") is stand_in:
            del sys.modules["pandas"]


cp_model = _import()

__all__ = ["cp_model"]
