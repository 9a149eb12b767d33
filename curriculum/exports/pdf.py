"""Learning path as an A4 PDF a learner can hand to a funder (fpdf2).

Text is French or English (``path.language``). Accents, the euro sign and typographic dashes need a
Unicode font: DejaVu Sans is used when the system (or an installed matplotlib) provides it; otherwise
the PDF falls back to the built-in Helvetica with the WinAnsi (cp1252) encoding, which covers French
accents, ``€``, ``œ``, ``–`` and quotes, and characters outside it are transliterated (``→`` → ``->``,
``≤`` → ``<=``...). Nothing beyond the project's dependencies is needed.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import unicodedata
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.fonts import FontFace

from curriculum.models import LearningPath

DISCLAIMER = "Demonstration catalogue: providers, dates and prices are illustrative."

H = {
    "fr": dict(title="Parcours de formation", learner="Bénéficiaire", job="Métier visé", summary="Synthèse",
               totals="Totaux", hours="heures", available="heures disponibles", feasible="Réalisable dans vos "
               "contraintes", infeasible="Hors contraintes", gaps="Écarts constatés", steps="Étapes",
               none="Aucun module nécessaire.", rationale="Justification des étapes",
               uncovered="Compétences non couvertes", prior="Acquis pris en compte",
               relax="Ajustements possibles", warnings="Avertissements", page="page",
               cols=("#", "Module", "Modalité", "Lieu", "Dates", "Heures", "Coût", "Certification", "Organisme"),
               standard_hours="Parcours standard (heures)", standard_cost_eur="Parcours standard (coût)",
               hours_saved="Heures économisées", cost_saved_eur="Coût économisé",
               skipped_skills="Compétences déjà maîtrisées", certifications_held="Certifications détenues",
               prereq="prérequis", conflict="session en conflit de dates"),
    "en": dict(title="Training pathway", learner="Learner", job="Target job", summary="Summary", totals="Totals",
               hours="hours", available="hours available", feasible="Fits your constraints",
               infeasible="Breaks your constraints", gaps="Gaps", steps="Steps", none="No module needed.",
               rationale="Why each step", uncovered="Uncovered skills", prior="Prior learning recognised",
               relax="Possible adjustments", warnings="Warnings", page="page",
               cols=("#", "Module", "Modality", "Place", "Dates", "Hours", "Cost", "Certification", "Provider"),
               standard_hours="Standard programme (hours)", standard_cost_eur="Standard programme (cost)",
               hours_saved="Hours saved", cost_saved_eur="Cost saved", skipped_skills="Skills already mastered",
               certifications_held="Certifications held", prereq="prerequisite", conflict="session date conflict"),
}

MODALITY = {
    "fr": {"in_person": "présentiel", "online": "à distance", "blended": "mixte", "workplace": "en entreprise"},
    "en": {"in_person": "in person", "online": "online", "blended": "blended", "workplace": "workplace"},
}

# infeasibility keys → (fr, en) labels; unknown keys are shown as they are
GAP_LABELS = {
    "limits_broken": ("Limites dépassées", "Limits broken"),
    "hours_needed": ("Heures nécessaires", "Hours needed"),
    "hours_available": ("Heures disponibles", "Hours available"),
    "hours_missing": ("Heures manquantes", "Hours missing"),
    "weeks_missing": ("Semaines manquantes", "Weeks missing"),
    "hours_per_week_needed": ("Heures par semaine nécessaires", "Hours per week needed"),
    "budget_needed_eur": ("Budget nécessaire (EUR)", "Budget needed (EUR)"),
    "budget_eur": ("Budget (EUR)", "Budget (EUR)"),
    "budget_missing_eur": ("Budget manquant (EUR)", "Budget missing (EUR)"),
    "deadline": ("Échéance", "Deadline"),
    "planned_end": ("Fin prévue", "Planned end"),
    "days_late": ("Jours de retard", "Days late"),
    "skills_unreachable": ("Compétences inaccessibles", "Skills out of reach"),
}

# A4 portrait, 15 mm margins → 180 mm of text width
COL_WIDTHS = (5, 44, 15, 24, 18, 12, 17, 19, 26)

FONT_FILE, BOLD_FILE = "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"
FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",  # Debian, Ubuntu
    "/usr/share/fonts/dejavu-sans-fonts",  # Fedora
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/TTF",  # Arch
    "/usr/local/share/fonts",
    "/usr/local/share/fonts/dejavu",
    "/opt/homebrew/share/fonts",
    "/Library/Fonts",
    str(Path.home() / "Library" / "Fonts"),
    str(Path.home() / ".local" / "share" / "fonts"),
    str(Path.home() / ".fonts"),
    "C:/Windows/Fonts",
)

# characters outside cp1252 (WinAnsi) that appear in French text, for the core-font fallback
TRANSLIT = {
    "\u2192": "->", "\u2190": "<-", "\u2264": "<=", "\u2265": ">=", "\u2260": "!=", "\u2248": "~",
    "\u2212": "-", "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2015": "-", "\u00b7": ".",
    "\u202f": " ", "\u2009": " ", "\u2007": " ", "\u200b": "", "\u2044": "/", "\u2713": "v", "\u2717": "x",
    "\u2026": "...", "\u2032": "'", "\u2033": '"', "\u2122": "(TM)", "\u0153": "oe", "\u0152": "OE",
}


def find_unicode_font() -> tuple[Path, Path | None] | None:
    """``(regular, bold or None)`` paths of DejaVu Sans, or None when not found.

    Looks in ``$CURRICULUM_PDF_FONT`` (a .ttf file), the usual system font folders and an installed
    matplotlib (which ships DejaVu Sans), without importing it.
    """
    candidates: list[Path] = []
    if env := os.environ.get("CURRICULUM_PDF_FONT"):
        candidates.append(Path(env))
    candidates += [Path(d) / FONT_FILE for d in FONT_DIRS]
    try:
        spec = importlib.util.find_spec("matplotlib")
    except (ImportError, ValueError):
        spec = None
    if spec and spec.origin:
        candidates.append(Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf" / FONT_FILE)
    for regular in candidates:
        if regular.is_file():
            bold = regular.with_name(BOLD_FILE)
            return regular, (bold if bold.is_file() else None)
    return None


def to_cp1252(text: str) -> str:
    """``text`` restricted to cp1252 (what Helvetica can show): known symbols transliterated, other
    accented letters stripped of their accents, anything left replaced by ``?``."""
    out = []
    for ch in text:
        try:
            ch.encode("cp1252")
            out.append(ch)
            continue
        except UnicodeEncodeError:
            pass
        if ch in TRANSLIT:
            out.append(TRANSLIT[ch])
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        try:
            base.encode("cp1252")
            out.append(base or "?")
        except UnicodeEncodeError:
            out.append("?")
    return "".join(out)


class _PathPDF(FPDF):
    """FPDF with the disclaimer and page numbers in the footer and, with core fonts, cp1252 fallback."""

    def __init__(self, page_label: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.page_label = page_label
        self.base_family = "Helvetica"

    def normalize_text(self, text: str) -> str:  # noqa: D102 - fpdf2 hook
        if not self.is_ttf_font:
            text = to_cp1252(text)
        return super().normalize_text(text)

    def footer(self) -> None:  # noqa: D102 - fpdf2 hook
        self.set_y(-12)
        self.set_font(self.base_family, "", 7)
        self.set_text_color(110)
        self.cell(0, 5, DISCLAIMER, align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, f"{self.page_label} {self.page_no()}/{{nb}}", align="R")
        self.set_text_color(0)


def _num(x: float, lang: str, decimals: int | None = None) -> str:
    """``1234.5`` → ``1 234,5`` (fr) or ``1,234.5`` (en); ``decimals`` fixes the number of decimals."""
    s = f"{x:,.{decimals}f}" if decimals is not None else f"{x:,.1f}".rstrip("0").rstrip(".")
    return s.replace(",", "\u00a0").replace(".", ",") if lang == "fr" else s


def _eur(x: float, lang: str) -> str:
    return f"{_num(x, lang, 2)}\u00a0€" if lang == "fr" else f"€{_num(x, lang, 2)}"


def _date(d: dt.date | str, lang: str) -> str:
    if isinstance(d, str):
        try:
            d = dt.date.fromisoformat(d[:10])
        except ValueError:
            return d
    return d.strftime("%d/%m/%Y") if lang == "fr" else d.isoformat()


def _value(key: str, value: Any, lang: str, labels: dict[str, str]) -> str:
    """An infeasibility or prior-learning value, readable."""
    if isinstance(value, list):
        return ", ".join(labels.get(str(v), str(v)) for v in value) or "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        return _eur(value, lang) if key.endswith("_eur") else _num(value, lang)
    if key in ("deadline", "planned_end"):
        return _date(value, lang)
    return str(value)


def path_to_pdf(path: LearningPath, *, unicode_font: bool = True) -> bytes:
    """Render ``path`` as an A4 PDF (bytes starting with ``%PDF``).

    Sections: title, learner, target job (ROME code), summary, totals and feasibility (with the gaps when
    infeasible), a table of steps, the rationale of each step, uncovered skills, prior learning,
    relaxations and warnings; every page carries the demonstration-catalogue disclaimer.
    ``unicode_font=False`` forces the built-in Helvetica fallback (used when DejaVu Sans is not found).
    """
    lang = path.language if path.language in H else "en"
    h = H[lang]
    pdf = _PathPDF(h["page"])
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=18)
    font = find_unicode_font() if unicode_font else None
    if font:
        regular, bold = font
        try:
            pdf.add_font("DejaVu", "", str(regular))
            pdf.add_font("DejaVu", "B", str(bold or regular))
            pdf.base_family = "DejaVu"
        except Exception:  # noqa: BLE001 - an unreadable font file: fall back to Helvetica
            pdf.base_family = "Helvetica"
    if pdf.base_family == "Helvetica":
        pdf.core_fonts_encoding = "windows-1252"
    fam = pdf.base_family
    sep = " : " if lang == "fr" else ": "
    job = path.target_job
    pdf.set_title(f"{h['title']} — {path.learner_id} — {job.title}")
    pdf.set_author("curriculum")
    pdf.set_creator("curriculum (fpdf2)")
    pdf.set_lang(lang)
    pdf.add_page()
    width = pdf.epw

    def heading(text: str) -> None:
        pdf.ln(3)
        pdf.set_font(fam, "B", 12)
        pdf.multi_cell(width, 6, text, new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.ln(1)
        pdf.set_font(fam, "", 10)

    def para(text: str, size: float = 10, style: str = "", indent: float = 0) -> None:
        pdf.set_font(fam, style, size)
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(width - indent, size * 0.5, text, new_x="LMARGIN", new_y="NEXT", align="L")

    def bullets(items: list[str]) -> None:
        for item in items:
            para(f"•  {item}", indent=3)
            pdf.ln(0.5)

    # title block
    pdf.set_font(fam, "B", 18)
    pdf.multi_cell(width, 9, h["title"], new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.ln(1)
    para(f"{h['learner']}{sep}{path.learner_id}", 11)
    job_line = job.title + (f" (ROME {job.rome_code})" if job.rome_code else "")
    para(f"{h['job']}{sep}{job_line}", 11, "B")
    if path.label:
        para(path.label + (f" — {path.trade_off}" if path.trade_off else ""), 10)

    if path.summary:
        heading(h["summary"])
        para(path.summary)

    # totals and feasibility
    heading(h["totals"])
    para(f"{_num(path.total_hours, lang)} {h['hours']} · {_eur(path.total_cost_eur, lang)} · "
         f"{_num(path.hours_available, lang)} {h['available']}")
    pdf.set_text_color(*((0, 110, 40) if path.feasible else (170, 20, 20)))
    para(h["feasible"] if path.feasible else h["infeasible"], 11, "B")
    pdf.set_text_color(0)
    if path.infeasibility:
        skill_labels = {u.skill: (u.label or u.skill) for u in path.uncovered_skills}
        idx = 0 if lang == "fr" else 1
        pdf.ln(1)
        para(h["gaps"], 10, "B")
        bullets([f"{GAP_LABELS.get(k, (k, k))[idx]}{sep}{_value(k, v, lang, skill_labels)}" for k, v
                 in path.infeasibility.items()])

    # steps table
    heading(h["steps"])
    if not path.steps:
        para(h["none"])
    else:
        pdf.set_font(fam, "", 7)
        with pdf.table(col_widths=COL_WIDTHS, width=width, text_align="LEFT", line_height=3.4,
                       padding=0.7, v_align="TOP",
                       headings_style=FontFace(emphasis="BOLD", fill_color=(225, 230, 238)),
                       cell_fill_color=(247, 247, 247), cell_fill_mode="ROWS") as table:
            table.row(h["cols"])
            for k, s in enumerate(path.steps, 1):
                table.row((
                    str(k), s.title, MODALITY[lang].get(s.modality.value, s.modality.value),
                    s.place or "—", f"{_date(s.start, lang)} – {_date(s.end, lang)}", _num(s.hours, lang),
                    _eur(s.cost_eur, lang), s.certification or "—", s.provider or "—",
                ))
        pdf.set_font(fam, "", 10)

        heading(h["rationale"])
        for k, s in enumerate(path.steps, 1):
            para(f"{k}. {s.title}", 10, "B")
            pdf.set_text_color(90)
            para(f"Module{sep}{s.module_id}", 8, indent=4)
            pdf.set_text_color(0)
            notes = [n for n in (h["prereq"] if s.inserted_as_prerequisite else "",
                                 h["conflict"] if (s.session or {}).get("conflict") else "") if n]
            text = s.rationale or "—"
            if s.provider:
                text += f" ({s.provider})"
            if notes:
                text += f" [{'; '.join(notes)}]"
            para(text, 9.5, indent=4)
            pdf.ln(1.5)

    if path.uncovered_skills:
        heading(h["uncovered"])
        bullets([f"{u.label or u.skill}" + (f" (niveau {u.required_level})" if lang == "fr" and u.required_level
                                            else f" (level {u.required_level})" if u.required_level else "")
                 + f"{sep}{u.reason}" for u in path.uncovered_skills])

    prior = path.prior_learning or {}
    if prior:
        heading(h["prior"])
        items = []
        for key in ("standard_hours", "standard_cost_eur", "hours_saved", "cost_saved_eur",
                    "skipped_skills", "certifications_held"):
            if key in prior and prior[key] not in (None, [], ""):
                items.append(f"{h[key]}{sep}{_value(key, prior[key], lang, {})}")
        bullets(items or ["—"])

    if path.relaxations:
        heading(h["relax"])
        bullets([str(r.get("change") or r) for r in path.relaxations])

    if path.warnings:
        heading(h["warnings"])
        bullets(path.warnings)

    return bytes(pdf.output())


__all__ = ["DISCLAIMER", "find_unicode_font", "path_to_pdf", "to_cp1252"]
