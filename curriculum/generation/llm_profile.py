"""LLM extraction of a learner profile from a CV or free text (French or English), grounded and checked.

Flow: the text is pseudonymised (:class:`~curriculum.generation.pii.Pseudonymiser`; the kinds removed are
listed in ``provenance["pii_removed"]``, never their values) and sent with the versioned prompt
``prompts/profile_extraction.yaml``; the model answers a :class:`ProfileClaims` (structured output, the ladder
of :mod:`curriculum.generation.structured`) naming skills in its own words. Then nothing is taken on trust:

* each skill's quote must be found in the text (case/accent-insensitively, or 60 % of its words in one
  sentence), outside sentences that give instructions to a model (prompt injection); otherwise it is dropped;
* each skill is grounded by the project's :class:`~curriculum.retrieval.skill_mapping.SkillMapper` (exact
  labels, alternative labels, then embeddings above its threshold); a skill the mapper cannot ground stays in
  ``unmapped`` with its quote, never with an invented URI;
* a certification is kept only when the deterministic rules find that code held in the text
  (:func:`~curriculum.generation.profile_fields.certification_evidence`: code after an habilitation cue, IRVE
  level, ISO 9606-1 process…, not planned, not in an instruction); its date only when its year is in that
  sentence (else the rules' date);
* the city must be a gazetteer town written in the text; the hours a number the text gives (35 for
  "temps plein"); the start a date whose year the text gives; the target job is resolved to a catalogue job.

With ``fill_from_rules`` (the default) what the model left out is completed by the deterministic extractor
(each value says its ``method``). Any failure — no answer within ``timeout_s``, server down, output invalid
after the retries — returns the deterministic extraction with a warning. Everything is a proposal for the
person to confirm.
"""

from __future__ import annotations

import concurrent.futures
import re
import time
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, Field

from curriculum.errors import GenerationError
from curriculum.generation.pii import Pseudonymiser
from curriculum.generation.profile_extraction import (ExtractedCertification, ExtractedField, ExtractedProfile,
                                                      ExtractedSkill, UnmappedSkill, extract_profile)
from curriculum.generation.profile_fields import (certification_evidence, find_certifications, instruction_sentences,
                                                  job_for_words, known_city, places_named, sentences)
from curriculum.generation.prompts import load_prompt
from curriculum.generation.structured import invoke_structured
from curriculum.models import TaxonomySkill
from curriculum.planner.certifications import parse_certification_codes
from curriculum.retrieval.skill_mapping import SkillMapper, normalise_label
from curriculum.settings import Settings

_POOL = concurrent.futures.ThreadPoolExecutor(max_workers=2, thread_name_prefix="llm-profile")


def _clip(limit: int) -> AfterValidator:
    # limits after parsing, not in the JSON schema (length constraints make llama.cpp's grammar compiler explode)
    return AfterValidator(lambda v: v[:limit])


def _text(v: Any) -> Any:
    return "" if v is None else str(v) if isinstance(v, (int, float)) else v


def _level(v: Any) -> Any:
    if isinstance(v, str):
        m = re.search(r"\d", v)
        return int(m.group()) if m else 2
    return 2 if v is None else v


def _number(v: Any) -> Any:
    if isinstance(v, str):
        m = re.search(r"\d+(?:[.,]\d+)?", v)
        return float(m.group().replace(",", ".")) if m else None
    return v


def _confidence(v: Any) -> Any:
    v = _number(v)
    return 0.7 if v is None else v


Text = Annotated[str, BeforeValidator(_text)]


class SkillClaim(BaseModel):
    """A skill in the model's words, level 1–4, the quote that shows it, confidence 0–1."""

    name: Annotated[Text, _clip(120)]
    level: Annotated[int, BeforeValidator(_level)] = 2
    quote: Annotated[Text, _clip(400)] = ""
    confidence: Annotated[float, BeforeValidator(_confidence)] = 0.7


class CertificationClaim(BaseModel):
    """A certification held: code as written, date obtained ("YYYY", "YYYY-MM", "YYYY-MM-DD" or ""), quote."""

    code: Annotated[Text, _clip(40)]
    obtained: Annotated[Text, _clip(20)] = ""
    quote: Annotated[Text, _clip(400)] = ""


class ProfileClaims(BaseModel):
    """The model's structured answer."""

    skills: Annotated[list[SkillClaim], _clip(40)] = Field(default_factory=list)
    certifications: Annotated[list[CertificationClaim], _clip(20)] = Field(default_factory=list)
    city: Annotated[Text, _clip(120)] = ""
    hours_per_week: Annotated[float | None, BeforeValidator(_number)] = None
    start: Annotated[Text, _clip(20)] = ""
    target_job: Annotated[Text, _clip(200)] = ""


def canonical_codes(code: str) -> set[str]:
    """Rules codes for a code as a model writes it: ``"ISO 9606-1 141"`` → ``ISO9606-1-141``, ``"IRVE P2"`` /
    ``"IRVE niveau 2"`` → ``IRVE-2``, ``"CACES R489 cat. 3"`` → ``CACES-R489``, ``"B2 VL"`` → ``B2VL``."""
    up = code.upper().strip()
    iso = re.search(r"9606\s*-?\s*1\D{0,6}(111|135|136|138|141)", up)
    if iso:
        return {f"ISO9606-1-{iso.group(1)}"}
    if "IRVE" in up:
        if "MAINT" in up:
            return {"IRVE-MAINT"}
        levels = re.findall(r"(?<!\d)([123])(?!\d)", up)
        return {f"IRVE-{n}" for n in levels} or {"IRVE"}
    caces = re.search(r"CACES\W*R?\s*\.?\s*(\d{3})", up)
    if caces:
        return {f"CACES-R{caces.group(1)}"}
    return {c for c in parse_certification_codes(up) if len(c) <= 20}


def _date(value: str) -> str | None:
    m = re.search(r"((?:19|20)\d\d)(?:-(\d{1,2}))?(?:-(\d{1,2}))?", value or "")
    if not m:
        return None
    return "-".join([m.group(1)] + [f"{int(g):02d}" for g in m.groups()[1:] if g])


class LLMProfileExtractor:
    """Profile extraction with an injected LangChain chat model, grounded by ``mapper`` on ``taxonomy``.

    ``jobs``: the catalogue's jobs (id → Job), to resolve the target job; ``timeout_s``: seconds for the whole
    model call (retries included); ``max_chars``: characters of text sent (the rules read all of it).
    """

    def __init__(self, chat: Any, prompts_dir: Any, mapper: SkillMapper, taxonomy: dict[str, TaxonomySkill],
                 jobs: dict | None = None, model_name: str = "unknown", timeout_s: float = 60.0,
                 methods: tuple[str, ...] | None = None, fill_from_rules: bool = True, max_chars: int = 12_000) -> None:
        self.chat, self.prompts_dir, self.mapper, self.taxonomy = chat, prompts_dir, mapper, taxonomy
        self.jobs, self.model_name, self.timeout_s, self.methods = jobs, model_name, timeout_s, methods
        self.fill_from_rules, self.max_chars = fill_from_rules, max_chars

    @classmethod
    def from_settings(cls, settings: Settings, mapper: SkillMapper, taxonomy: dict[str, TaxonomySkill],
                      jobs: dict | None = None) -> "LLMProfileExtractor":
        """Extractor for the endpoint configured in ``settings``."""
        from curriculum.generation.assembly import make_chat_model

        return cls(make_chat_model(settings), settings.prompts_dir, mapper, taxonomy, jobs,
                   settings.llm_model or "unknown", settings.llm_timeout_s)

    def extract(self, text: str, language: str = "fr", names: list[str] | tuple[str, ...] = ()) -> ExtractedProfile:
        """Proposed profile from ``text``; ``names``: the person's declared name(s), pseudonymised too.
        Never raises for a model failure: the deterministic extraction comes back with a warning."""
        started = time.perf_counter()
        prov: dict = {"model": self.model_name}
        try:
            prompt = load_prompt(self.prompts_dir, "profile_extraction")
            pseudo = Pseudonymiser(list(names), language)
            sent = pseudo.pseudonymise(text[:self.max_chars])
            system, user = prompt.render(language="French" if language == "fr" else "English", text=sent)
            prov.update(prompt=f"{prompt.name} v{prompt.version}", pii_removed=pseudo.kinds_removed)
            kwargs: dict = {"memo_key": f"{self.model_name}@{getattr(self.chat, 'openai_api_base', '')}"}
            if self.methods:
                kwargs["methods"] = self.methods
            future = _POOL.submit(invoke_structured, self.chat, ProfileClaims, [("system", system), ("human", user)],
                                  **kwargs)
            result = future.result(timeout=self.timeout_s)
        except concurrent.futures.TimeoutError:
            return self._fallback(text, language, prov, started, f"no answer within {self.timeout_s:g} s")
        except GenerationError as exc:
            return self._fallback(text, language, prov, started, f"{exc} after {exc.attempts} attempt(s)")
        except Exception as exc:  # noqa: BLE001 - any provider failure must still give a proposal
            return self._fallback(text, language, prov, started, f"{type(exc).__name__}: {str(exc)[:200]}")
        prov.update(structured_output=result.method, attempts=result.attempts, tokens_in=result.tokens_in,
                    tokens_out=result.tokens_out)
        out = self._ground(result.value, text, sent, pseudo, language, prov)  # type: ignore[arg-type]
        prov["latency_s"] = round(time.perf_counter() - started, 2)
        return out

    def _fallback(self, text: str, language: str, prov: dict, started: float, why: str) -> ExtractedProfile:
        out = extract_profile(text, self.taxonomy, language, jobs=self.jobs)
        out.method = "rules (LLM failed)"
        out.provenance = dict(prov, llm_error=why, latency_s=round(time.perf_counter() - started, 2))
        out.warnings.append(f"LLM unavailable ({why}); skills proposed by the deterministic extractor")
        return out

    def _ground(self, claims: ProfileClaims, text: str, sent: str, pseudo: Pseudonymiser, language: str,
                prov: dict) -> ExtractedProfile:
        blocked = set(instruction_sentences(sent))
        usable = [s for s in sentences(sent) if s not in blocked]
        out = ExtractedProfile(method="llm", provenance=prov)
        rejected: dict[str, list[str]] = {"skills_without_evidence": [], "certifications_not_in_text": [],
                                          "fields_not_in_text": []}
        skills: dict[str, ExtractedSkill] = {}
        for claim in claims.skills:
            level = max(0, min(4, claim.level))
            where = _locate(claim.quote, usable) or _locate(claim.name, usable)
            if level == 0 or where is None:
                if level:
                    rejected["skills_without_evidence"].append(claim.name)
                continue
            sentence, factor = where
            evidence = pseudo.restore(sentence)[:300]
            confidence = max(0.05, min(1.0, claim.confidence)) * factor
            match = self.mapper.map_label(claim.name, "en")
            if match.skill is None or match.skill not in self.taxonomy:
                out.unmapped.append(UnmappedSkill(claim.name, level, evidence, round(confidence, 2), match.label))
                continue
            skill = ExtractedSkill(match.skill, self.taxonomy[match.skill].label(language), level, evidence,
                                   round(confidence * match.confidence, 2), f"llm+{match.method}")
            prev = skills.get(match.skill)
            if prev is None or (skill.confidence, skill.level) > (prev.confidence, prev.level):
                skills[match.skill] = skill
        out.skills = sorted(skills.values(), key=lambda s: (-s.confidence, s.label))
        rules_dates = {f.value[0]: f.value[1] for f in find_certifications(text)}  # type: ignore[index]
        for claim in claims.certifications:
            for code in sorted(canonical_codes(claim.code)):
                evidence = certification_evidence(code, text)
                if evidence is None:
                    rejected["certifications_not_in_text"].append(code)
                    continue
                if code in {c.code for c in out.certification_details}:
                    continue
                date = _date(claim.obtained)
                if date is None or date[:4] not in evidence:
                    date = rules_dates.get(code)
                out.certification_details.append(ExtractedCertification(code, date, evidence, 0.9, "llm"))
        self._fields(claims, text, pseudo, out, rejected)
        out.certifications = sorted({c.code for c in out.certification_details})
        if self.fill_from_rules:
            complete_with_rules(out, extract_profile(text, self.taxonomy, language, jobs=self.jobs))
        for code in dict.fromkeys(rejected["certifications_not_in_text"]):
            out.warnings.append(f"certification {code} named by the model is not held according to the text: left out")
        prov.update(claims={"skills": len(claims.skills), "grounded": len(out.skills), "unmapped": len(out.unmapped),
                            "certifications": len(claims.certifications)},
                    rejected={k: v for k, v in rejected.items() if v})
        return out

    def _fields(self, claims: ProfileClaims, text: str, pseudo: Pseudonymiser, out: ExtractedProfile,
                rejected: dict[str, list[str]]) -> None:
        folded = " " + normalise_label(text) + " "
        if claims.city.strip():
            said = pseudo.restore(claims.city)
            postcode = re.search(r"\b\d{5}\b", said)
            city = known_city(re.sub(r"^.*\b\d{5}\s+", "", said)) or known_city(said.split(",")[-1])
            named = places_named(text)
            written = city if city and f" {normalise_label(city)} " in folded else None
            if city and not written:  # "Le Havre" for "au Havre", "Dunkerque" for "Dunkirk": the same place
                where = _coordinates(city)
                written = next((name for name, point in named.items() if point == where), None)
            if city and written:
                out.location = ExtractedField({"city": city, "postcode": postcode.group() if postcode else None},
                                              _sentence_with(written, text), 0.8, "llm")
            else:
                rejected["fields_not_in_text"].append(f"city {said!r}")
        hours = claims.hours_per_week
        if hours is not None and 1 <= hours <= 60:
            written = f"{hours:g}".replace(".", "[.,]")
            if re.search(rf"(?<![\d.,]){written}(?![\d.,]\d)", text) or (
                    hours == 35 and re.search(r"temps plein|plein temps|full[- ]time", text, re.IGNORECASE)):
                out.hours_per_week = ExtractedField(float(hours), _sentence_with(f"{hours:g}", text), 0.8, "llm")
            else:
                rejected["fields_not_in_text"].append(f"hours {hours:g}")
        start = _date(claims.start)
        if start and len(start) >= 7:
            if start[:4] in text:
                out.start = ExtractedField(start if len(start) == 10 else start + "-01",
                                           _sentence_with(start[:4], text), 0.7, "llm")
            else:
                rejected["fields_not_in_text"].append(f"start {start}")
        words = pseudo.restore(claims.target_job).strip()
        if words:
            found = job_for_words(words, self.jobs) if self.jobs else None
            out.target_job = ExtractedField(found[0] if found else words, words, found[1] if found else 0.4, "llm")

def complete_with_rules(out: ExtractedProfile, rules: ExtractedProfile) -> ExtractedProfile:
    """``out`` (the model's grounded proposal) completed in place by the deterministic extraction ``rules``:
    skills and certifications it does not have, and the fields it left empty (each keeps its ``method``)."""
    have = {s.skill for s in out.skills}
    out.skills += [s for s in rules.skills if s.skill not in have]
    codes = {c.code for c in out.certification_details}
    out.certification_details += [c for c in rules.certification_details if c.code not in codes]
    out.certifications = sorted({c.code for c in out.certification_details})
    for name in ("location", "hours_per_week", "start", "target_job"):
        if getattr(out, name) is None:
            setattr(out, name, getattr(rules, name))
    return out


def _coordinates(city: str) -> tuple[float, float] | None:
    from curriculum.geo import resolve_city

    try:
        return resolve_city(city)
    except Exception:  # noqa: BLE001 - unknown city
        return None


def _sentence_with(needle: str, text: str) -> str:
    key = f" {normalise_label(needle)} "
    return next((s[:300] for s in sentences(text) if key.strip() and key in f" {normalise_label(s)} "), "")


def _locate(quote: str, usable: list[str]) -> tuple[str, float] | None:
    """(sentence, factor) holding ``quote``: 1.0 when found whole (case/accent-insensitive), 0.8 when 60 % of
    its words (3 letters or more) are in one sentence; None otherwise."""
    key = normalise_label(quote)
    if len(key) < 3:
        return None
    for s in usable:
        if key in normalise_label(s):
            return s, 1.0
    words = {w for w in key.split() if len(w) >= 3}
    if not words:
        return None
    best = max(usable, key=lambda s: len(words & set(normalise_label(s).split())), default=None)
    if best is not None and len(words & set(normalise_label(best).split())) >= 0.6 * len(words):
        return best, 0.8
    return None


def propose_profile(text: str, taxonomy: dict[str, TaxonomySkill], language: str = "fr", *, jobs: dict | None = None,
                    extractor: LLMProfileExtractor | None = None,
                    names: list[str] | tuple[str, ...] = ()) -> ExtractedProfile:
    """The proposal to show for confirmation: by ``extractor`` (the LLM) when given, else by the rules."""
    if extractor is None:
        out = extract_profile(text, taxonomy, language, jobs=jobs)
        out.provenance = {"model": None, "note": "no model configured: deterministic extraction"}
        return out
    return extractor.extract(text, language, names)


def profile_extractor(settings: Settings, mapper: SkillMapper, taxonomy: dict[str, TaxonomySkill],
                      jobs: dict | None = None) -> LLMProfileExtractor | None:
    """The LLM extractor when ``settings`` names a model, else None (deterministic extraction)."""
    return LLMProfileExtractor.from_settings(settings, mapper, taxonomy, jobs) if settings.llm_configured else None
