"""Catalogue imports and exports, one import away: CSV (:mod:`curriculum.knowledge.catalogue_csv`),
schema.org ``Course`` JSON-LD (:mod:`curriculum.knowledge.catalogue_jsonld`), spreadsheets with saved
column profiles (:mod:`curriculum.knowledge.spreadsheets`) and writing modules as knowledge-base files
(:func:`curriculum.knowledge.editing.write_modules`).
"""

from curriculum.knowledge.catalogue_csv import FIELDS, FUNDING_FIELDS, export_csv, import_csv
from curriculum.knowledge.catalogue_jsonld import (COURSE_MODE, CPF, CREDENTIAL, MODALITY, MODULE_IRI, REGISTER,
                                                   REMAINDER, RENEWAL, WORK_BASED, course, export_jsonld,
                                                   import_jsonld)
from curriculum.knowledge.editing import WriteReport, write_modules

__all__ = ["COURSE_MODE", "CPF", "CREDENTIAL", "FIELDS", "FUNDING_FIELDS", "MODALITY", "MODULE_IRI", "REGISTER",
           "REMAINDER", "RENEWAL", "WORK_BASED", "WriteReport", "course", "export_csv", "export_jsonld", "import_csv",
           "import_jsonld", "write_modules"]
