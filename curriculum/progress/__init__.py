"""Living pathways: saved plans with versions and the progress recorded on them.

Entry points: :class:`PathwayStore` (save / load / list pathways, record and read events), the event models
of :mod:`curriculum.progress.events` and the xAPI import :func:`import_xapi`.
"""

from curriculum.progress.events import (Cancelled, Completed, Dropped, Event, Missed, NewCertification, NewSkill,
                                        check_events, event_json, parse_event)
from curriculum.progress.store import PathwayStore, StoredPathway
from curriculum.progress.xapi import StatementReport, XapiImport, import_xapi, map_statements, read_statements

__all__ = ["Cancelled", "Completed", "Dropped", "Event", "Missed", "NewCertification", "NewSkill", "PathwayStore",
           "StatementReport", "StoredPathway", "XapiImport", "check_events", "event_json", "import_xapi",
           "map_statements", "parse_event", "read_statements"]
