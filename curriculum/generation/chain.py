"""LLM narration of a planned pathway (LangChain + any OpenAI-compatible endpoint).

The model only writes text (summary and one rationale per step) as pydantic structured output; the
modules, order, dates and figures stay those of the deterministic planner. On any failure
(unreachable endpoint, timeout, invalid output after retries) the template texts are kept and a
warning says what happened. API keys never enter the path, logs or exports.
"""

from __future__ import annotations

import time
from typing import Any

from pydantic import BaseModel, Field

from curriculum.generation.prompts import load_prompt
from curriculum.knowledge.catalogue import Catalogue
from curriculum.models import Job, LearnerProfile, LearningPath
from curriculum.settings import Settings


class StepRationale(BaseModel):
    """Why one module is in the path."""

    module_id: str
    rationale: str = Field(max_length=1200)


class Narrative(BaseModel):
    """Structured output asked of the model."""

    summary: str = Field(max_length=2000)
    steps: list[StepRationale]


class LLMNarrator:
    """Writes summary and rationales with a LangChain chat model (injected; tests pass fakes)."""

    def __init__(self, chat_model: Any, prompts_dir: Settings | Any, model_name: str = "unknown",
                 max_retries: int = 1) -> None:
        self.chat_model = chat_model
        self.prompts_dir = prompts_dir
        self.model_name = model_name
        self.max_retries = max_retries

    @classmethod
    def from_settings(cls, settings: Settings) -> "LLMNarrator":
        """ChatOpenAI for ``settings`` (base URL, model, key, timeout); ``max_tokens`` is used
        rather than ``max_completion_tokens`` because several OpenAI-compatible servers ignore the latter."""
        from langchain_openai import ChatOpenAI

        chat = ChatOpenAI(model=settings.llm_model, base_url=settings.llm_base_url, api_key=settings.llm_api_key or "none",
                          timeout=settings.llm_timeout_s, max_retries=2, temperature=0.2, max_tokens=900)
        return cls(chat, settings.prompts_dir, settings.llm_model or "unknown")

    def narrate(self, path: LearningPath, learner: LearnerProfile, job: Job, catalogue: Catalogue) -> LearningPath:
        """Return ``path`` with LLM texts, or unchanged texts plus a warning when the model fails."""
        if not path.steps:
            return path
        prompt = load_prompt(self.prompts_dir, "narrative")
        lang = "French" if learner.language == "fr" else "English"
        steps = "\n".join(f"{s.module_id} | {s.title} | {s.hours:g} h | "
                          f"{', '.join(catalogue.skill_label(c, learner.language) for c in s.covers) or '-'} | "
                          f"{s.certification or '-'}" for s in path.steps)
        system, user = prompt.render(
            language=lang, job_title=path.target_job.title, background=learner.background[:4000] or "-",
            steps=steps, uncovered=", ".join(u.label or u.skill for u in path.uncovered_skills) or "none",
            constraints=f"{learner.hours_per_week:g} h/week until {learner.deadline}, radius {learner.mobility_km:g} km")
        started = time.perf_counter()
        prov = dict(path.provenance, prompt=f"{prompt.name} v{prompt.version}", model=self.model_name)
        try:
            structured = self.chat_model.with_structured_output(Narrative, method="function_calling", include_raw=True)
            out = structured.invoke([("system", system), ("human", user)])
            parsed: Narrative | None = out.get("parsed")
            usage = getattr(out.get("raw"), "usage_metadata", None) or {}
            prov.update(tokens_in=usage.get("input_tokens"), tokens_out=usage.get("output_tokens"),
                        latency_s=round(time.perf_counter() - started, 2))
            if parsed is None:
                raise ValueError(f"unparseable model output: {out.get('parsing_error')}")
        except Exception as exc:  # any provider failure falls back to the templates
            prov.update(narrative="templates (LLM failed)", latency_s=round(time.perf_counter() - started, 2))
            return path.model_copy(update={"provenance": prov, "warnings": [
                *path.warnings, f"LLM narration failed ({type(exc).__name__}); template texts kept"]})
        by_id = {s.module_id: s.rationale for s in parsed.steps}
        steps_out = [s.model_copy(update={"rationale": by_id.get(s.module_id) or s.rationale}) for s in path.steps]
        prov["narrative"] = "llm"
        return path.model_copy(update={"steps": steps_out, "summary": parsed.summary or path.summary, "provenance": prov})
