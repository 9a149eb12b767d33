"""ROME 4.0 CSV reader behind :func:`curriculum.knowledge.importers.import_rome`."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import ValidationError

from curriculum.knowledge.importers_common import ImportIssue, ImportResult, Progress, find_file, first_error, read_csv
from curriculum.models.jobs import Job, RequiredSkill
from curriculum.models.skills import TaxonomySkill

LEVEL_RULE = ("ROME 4.0 gives no proficiency levels. Rule: a savoir-faire marked 'Principale' (coeur de métier) in "
              "unix_coherence_item is required at 3 (autonomous); other savoir-faire and all savoirs at 2 (assisted).")
COMPETENCE_BLOC = "5"
_STEPS = 7

# Electrical habilitation symbols (NF C 18-510 / NF C 18-550): B/H, then 0 1 2 R C E P F, then V/T/X, then L
# for vehicles (B0L, B1VL, B2TL, B2XL, BCL…). "O" typed for zero (BOL) is read as 0.
_HABILITATION = re.compile(r"(?<![A-Za-z0-9])([BH][0O12RCEPF][VTXN]?L?)(?![A-Za-z0-9])")
_IRVE = re.compile(r"\bIRVE\b")
_OBLIGATION = re.compile(r"obligatoire|exig|requis|nécessaire|indispensable|imposé|demandé|\bdoi(?:t|vent)\b",
                         re.IGNORECASE)
_OPTIONAL = re.compile(r"\bpeu(?:t|vent|\(ven\)t)\b|\bpourr|\bselon\b|\ben fonction\b|\batout\b|\bsouhait",
                       re.IGNORECASE)


def _version(path: Path) -> str:
    match = re.search(r"_v(\d+)", path.name)
    return f"ROME 4.0 v{match.group(1)}" if match else "ROME 4.0"


def parse_certifications(sentences: list[str]) -> list[str]:
    """Mandatory certification codes stated in "acces_metier" sentences.

    A sentence counts when it states an obligation ("obligatoire", "requise", "nécessaires"…) without
    a modal ("peut", "peuvent", "selon"…). Electrical habilitation symbols written after the word
    "habilitation" are taken (``L'habilitation B2TL est obligatoire`` → ``B2TL``); so is ``IRVE``.
    """
    found: list[str] = []
    for text in sentences:
        for sentence in re.split(r"(?<=[.!?;])\s+", text):
            if not _OBLIGATION.search(sentence) or _OPTIONAL.search(sentence):
                continue
            start = sentence.lower().find("habilit")
            codes = [m.group(1).replace("O", "0") for m in _HABILITATION.finditer(sentence, start)] if start >= 0 else []
            if _IRVE.search(sentence):
                codes.append("IRVE")
            found.extend(code for code in codes if code not in found)
    return found


def _sentences(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def run_import_rome(directory: Path, progress: Progress | None = None) -> ImportResult:
    """See :func:`curriculum.knowledge.importers.import_rome`."""
    result = ImportResult()
    issues = result.issues
    tick = (lambda step: progress(step, _STEPS)) if progress else (lambda step: None)

    f_code = find_file(directory, ["unix_referentiel_code_rome*.csv"])
    f_liens = find_file(directory, ["unix_liens_rome_referentiels*.csv"])
    f_comp = find_file(directory, ["unix_referentiel_competence*.csv"])
    f_savoir = find_file(directory, ["unix_referentiel_savoir*.csv"])
    f_coherence = find_file(directory, ["unix_coherence_item*.csv"], required=False)
    f_texte = find_file(directory, ["unix_texte*.csv"], required=False)
    source = _version(f_liens)

    def rows(path: Path, required: list[str]):
        return read_csv(path, required, issues, unescape_quotes=True)

    def missing(path: Path, number: int, row: dict[str, str], fields: list[str], what: str) -> bool:
        for name in fields:
            if not row.get(name):
                issues.append(ImportIssue(str(path), number, name, f"missing {name}; {what} skipped"))
                return True
        return False

    titles = {}
    for number, row in rows(f_code, ["code_rome", "libelle_rome"]):
        if not missing(f_code, number, row, ["code_rome", "libelle_rome"], "fiche"):
            titles.setdefault(row["code_rome"], row["libelle_rome"])
    tick(1)

    fiches: dict[str, list[tuple[int, str]]] = {}  # code_rome → [(liens row, code_ogr)] of bloc 5
    for number, row in rows(f_liens, ["code_rome", "code_compo_bloc", "code_ogr"]):
        if missing(f_liens, number, row, ["code_rome", "code_ogr"], "link"):
            continue
        items = fiches.setdefault(row["code_rome"], [])
        if row["code_compo_bloc"] == COMPETENCE_BLOC and all(ogr != row["code_ogr"] for _, ogr in items):
            items.append((number, row["code_ogr"]))
    tick(2)

    competences: dict[str, tuple[str, str]] = {}  # code_ogr → (label, cat_comp)
    for number, row in rows(f_comp, ["code_ogr", "libelle_competence", "cat_comp"]):
        if not missing(f_comp, number, row, ["code_ogr", "libelle_competence"], "compétence"):
            competences.setdefault(row["code_ogr"], (row["libelle_competence"], row["cat_comp"]))
    tick(3)

    savoirs: dict[str, str] = {}
    for number, row in rows(f_savoir, ["code_ogr_savoir", "libelle_savoir"]):
        if not missing(f_savoir, number, row, ["code_ogr_savoir", "libelle_savoir"], "savoir"):
            savoirs.setdefault(row["code_ogr_savoir"], row["libelle_savoir"])
    tick(4)

    core: set[tuple[str, str]] = set()
    if f_coherence is None:
        issues.append(ImportIssue(str(directory), None, None,
                                  "no unix_coherence_item*.csv: no item is marked essential"))
    else:
        for _, row in rows(f_coherence, ["code_rome", "code_ogr", "coeur_metier"]):
            if row["coeur_metier"] == "Principale":
                core.add((row["code_rome"], row["code_ogr"]))
    tick(5)

    texts: dict[tuple[str, str], list[tuple[int, str]]] = {}  # (code_rome, type) → [(position, sentence)]
    if f_texte is not None:
        for number, row in rows(f_texte, ["code_rome", "libelle_type_texte", "position_phrase", "libelle_texte"]):
            if missing(f_texte, number, row, ["code_rome", "libelle_texte"], "text"):
                continue
            position = int(row["position_phrase"]) if row["position_phrase"].isdigit() else number
            texts.setdefault((row["code_rome"], row["libelle_type_texte"]), []).append((position, row["libelle_texte"]))
    tick(6)

    def text(code: str, kind: str) -> list[str]:
        return [sentence for _, sentence in sorted(texts.get((code, kind), []), key=lambda t: t[0])]

    taxonomy: dict[str, TaxonomySkill] = {}
    for code, items in fiches.items():
        if code not in titles:
            issues.append(ImportIssue(str(f_liens), items[0][0] if items else None, "code_rome",
                                      f"fiche {code} is not in {f_code.name}; fiche skipped"))
            continue
        required: list[RequiredSkill] = []
        for number, ogr in items:
            essential = (code, ogr) in core
            if ogr in competences:
                label, category = competences[ogr]
                skill_id, skill_type = f"rome:competence:{ogr}", "skill/competence"
                level = 3 if essential and category == "Savoir-faire" else 2
            elif ogr in savoirs:
                label, skill_id, skill_type, level = savoirs[ogr], f"rome:savoir:{ogr}", "knowledge", 2
            else:
                issues.append(ImportIssue(str(f_liens), number, "code_ogr",
                                          f"item {ogr} of fiche {code} is in neither {f_comp.name} nor {f_savoir.name}"))
                continue
            taxonomy.setdefault(skill_id, TaxonomySkill(id=skill_id, skill_type=skill_type, labels={"fr": label},
                                                        source=source))
            required.append(RequiredSkill(skill=skill_id, level=level, essential=essential))
        required.sort(key=lambda r: not r.essential)
        if not required:
            issues.append(ImportIssue(str(f_liens), None, "code_compo_bloc",
                                      f"fiche {code} has no compétence (bloc {COMPETENCE_BLOC}); fiche skipped"))
            continue
        title = titles[code]
        try:
            job = Job(id=f"rome-{code.lower()}", title=title, title_fr=title, rome_code=code,
                      description=" ".join(_sentences(s) for s in text(code, "definition")),
                      required_skills=required,
                      mandatory_certifications=parse_certifications(text(code, "acces_metier")),
                      sources=[f"{source} fiche {code} « {title} » (France Travail, Licence Ouverte 2.0)"],
                      level_rule=LEVEL_RULE)
        except ValidationError as exc:
            field, message = first_error(exc)
            issues.append(ImportIssue(str(f_liens), items[0][0], field, f"invalid job {code}: {message}; skipped"))
            continue
        result.jobs.append(job)
    result.skills = list(taxonomy.values())
    tick(7)
    return result
