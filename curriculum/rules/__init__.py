"""Certification rules as code: what each certification requires, who issues it, how long it lasts.

The reference is ``certifications.yaml`` (versioned, every rule with its sources: NF C 18-550,
NF C 18-510, arrêté du 5 juillet 2024, Code du travail R.4544-9 / R.4544-10, décret 2017-26 art. 22
as amended by décret 2021-546 and the arrêté du 27 octobre 2021, INRS ED 6127, NF EN ISO 9606-1:2017,
France compétences), read by :func:`~curriculum.rules.reference.load_reference`. See
``curriculum/rules/README.md`` for the table.

Layers (none imports the planner or the services):

* :mod:`.reference` — the validated reference: rules, classes (``HAB-BT-EXEC``, ``HAB-VL-ELEC``),
  competences, implications, sources;
* :mod:`.lifecycle` — a learner's dated certifications judged for a plan (valid, expired, expiring);
* :mod:`.apply` — effective modules for the planner (rules as pseudo-skill prerequisites);
* :mod:`.binding` — one plan's view: held pseudo-skills, job companions, which rule brought which
  step, the certifications held at the end with their renewal dates;
* :mod:`.table` — the rules table in Markdown (README).
"""

from curriculum.rules.reference import RulesReference, load_reference

__all__ = ["RulesReference", "load_reference"]
