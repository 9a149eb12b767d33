"""Streamlit entry point: ``streamlit run ui/app.py``.

Routes to the pages of ``ui/pages``: learner pathway (learners, advisers), cohort programme
(training managers), catalogue (instructors), territory (regions, companies, training bodies). Add a page by
appending an ``st.Page`` to ``PAGES``; pages stay thin and call the package's services
(:mod:`curriculum.services`, :mod:`curriculum.cohort`, :mod:`curriculum.knowledge`, :mod:`curriculum.territory`).
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

# Streamlit puts ``ui/`` on sys.path; the pages import ``ui.*``, so the repository root must be there too.
_ROOT = str(Path(__file__).resolve().parents[1])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from ui.i18n import t  # noqa: E402  (after the sys.path fix)

# navigation titles in the learner page's language (the page itself follows the learner profile's)
PAGES = [
    st.Page("pages/learner.py", title=t("nav_learner"), url_path="learner", default=True),
    st.Page("pages/cohort.py", title=t("nav_cohort"), url_path="cohort"),
    st.Page("pages/instructor.py", title=t("nav_instructor"), url_path="instructor"),
    st.Page("pages/territory.py", title=t("nav_territory"), url_path="territory"),
]

st.set_page_config(page_title="curriculum", layout="wide")
st.navigation(PAGES).run()
