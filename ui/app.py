"""Streamlit entry point: ``streamlit run ui/app.py``.

Routes to the pages of ``ui/pages``. Add a page by appending an ``st.Page`` to ``PAGES``
(e.g. cohort planning, instructor view); pages stay thin and call :mod:`curriculum.services`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

# Streamlit puts ``ui/`` on sys.path; the pages import ``ui.*``, so the repository root must be there too.
_ROOT = str(Path(__file__).resolve().parents[1])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

PAGES = [
    st.Page("pages/learner.py", title="Learner pathway", url_path="learner", default=True),
    # st.Page("pages/cohort.py", title="Cohort planning", url_path="cohort"),
    # st.Page("pages/instructor.py", title="Instructor view", url_path="instructor"),
]

st.set_page_config(page_title="curriculum", layout="wide")
st.navigation(PAGES).run()
