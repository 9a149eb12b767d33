"""The rules reference as a Markdown table (certification, requires, issued by, validity, source).

``python -m curriculum.rules.table`` prints it; ``curriculum/rules/README.md`` and the README's
"Certification rules" section hold the same table (a test keeps them equal to the reference).
"""

from __future__ import annotations

from curriculum.rules.reference import CertificationRule, RulesReference, load_reference

ISSUERS = {"employer": "employer, after training and medical fitness",
           "certifying_body": "certifying body", "company_qualification": "company qualification (accredited body)"}


def _requires(rule: CertificationRule, ref: RulesReference) -> str:
    if rule.requires is None:
        return "—"
    req = rule.requires
    parts = [f"{c} ({', '.join(ref.members(c))})" if ref.is_class(c) else c for c in req.certifications]
    parts += [f"{s.skill.rsplit('/', 1)[-1][:8]}… ≥ {s.level}" for s in req.skills]
    parts += [f"{c} (electrical competence)" if c == "ELEC-BASICS" else c for c in req.competences]
    return ", ".join(parts) + f" *[{req.basis}]*"


def _validity(rule: CertificationRule) -> str:
    v = rule.validity
    if v.years is None:
        return "no expiry in the sources"
    text = f"{v.years} year{'s' if v.years > 1 else ''}"
    if v.occasional_practice_years:
        text += f" ({v.occasional_practice_years} if occasional)"
    return text + ("; refresher at any provider" if v.refresher else "")


def rules_table(reference: RulesReference | None = None) -> str:
    """Markdown table of every rule, one row per rule; rules sharing requirements, issuer, validity and
    sources are merged into one row (``B1L, B2L, …``)."""
    ref = reference or load_reference()
    rows: dict[tuple, list[str]] = {}
    for rule in ref.certifications:
        implies = ", ".join(i.code for i in rule.implies)
        key = (_requires(rule, ref) + (f"; companion: {', '.join(rule.companions)}" if rule.companions else ""),
               ISSUERS[rule.issued_by], _validity(rule), ref.cite(sorted(set(rule.sources) | set(rule.validity.sources))))
        rows.setdefault(key, []).append(f"{rule.name}" + (f" (→ {implies})" if implies else ""))
    lines = [f"Rules reference version {ref.version} ({ref.updated}); → = implies.", "",
             "| certification | requires first | issued by | validity | source |", "|---|---|---|---|---|"]
    lines += [f"| {', '.join(codes)} | {req} | {who} | {val} | {src} |" for (req, who, val, src), codes in rows.items()]
    lines += ["", "Classes: " + "; ".join(f"{name} = {', '.join(c.members)}" for name, c in ref.classes.items())
              + ". Competence ELEC-BASICS = any of " + ", ".join(
                  f"{o.skill.rsplit('/', 1)[-1][:8]}… ≥ {o.level}" for o in ref.competences["ELEC-BASICS"].any_of)
              + " (ESCO: electricity, electricity principles, electrical engineering, vehicle electrical systems)."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(rules_table(), end="")
