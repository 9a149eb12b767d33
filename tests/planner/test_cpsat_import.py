"""``curriculum.cpsat``: CP-SAT without pandas at start-up, and the real pandas for everyone else afterwards."""

from __future__ import annotations

import subprocess
import sys

CHECK = """
import sys
from curriculum.cpsat import cp_model
assert "pandas" not in sys.modules, "pandas imported with cp_model"
m = cp_model.CpModel(); x = m.new_int_var(0, 5, "x"); m.maximize(x)
s = cp_model.CpSolver(); assert s.solve(m) == cp_model.OPTIMAL and s.value(x) == 5
import pandas as pd
assert hasattr(pd, "DataFrame") and pd.Series([1, 2]).sum() == 3  # the real pandas
series = m.new_bool_var_series("v", pd.Index(["a", "b"]))  # cp_model's pandas helpers still work
assert isinstance(series, pd.Series) and len(series) == 2
print("ok")
"""


def test_cp_model_without_pandas_then_the_real_pandas():
    out = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_the_planner_process_does_not_load_pandas():
    code = "import sys; import curriculum.services, curriculum.planner.pathway; print('pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"
