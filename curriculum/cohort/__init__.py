"""Cohort programmes for training managers: read a cohort file, plan each member, teach the common
core in groups, total hours and EUR, save versions, export XLSX/CSV/iCalendar.

Entry points: :func:`read_cohort`, :func:`load_programme_settings`, :func:`plan_cohort`,
:class:`ProgrammeStore`, :func:`replan`.
"""

from curriculum.cohort.io import load_programme_settings, read_cohort, template_csv
from curriculum.cohort.models import (CohortMember, CohortProgramme, GroupSession, ProgrammeSettings, RowError,
                                      TrainingSite)
from curriculum.cohort.planner import plan_cohort
from curriculum.cohort.store import ProgrammeStore, replan

__all__ = ["CohortMember", "CohortProgramme", "GroupSession", "ProgrammeSettings", "ProgrammeStore", "RowError",
           "TrainingSite", "load_programme_settings", "plan_cohort", "read_cohort", "replan", "template_csv"]
