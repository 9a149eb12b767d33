"""LLM-assisted pathway assembly: the model chooses among valid plans and explains; the planner validates and
repairs anything else it proposes (:mod:`curriculum.generation.choice`).

Flow: candidate modules (those that close a gap or teach a prerequisite, most relevant first) are
packed into a tiktoken-measured budget beside the valid plans (the planner's optimum and its k-best
alternatives); the learner's text is pseudonymised (the kinds removed are listed in
``provenance["pii_removed"]``, never their values); the model returns a :class:`Proposal` (structured
output): the letter of the plan it chooses and/or its own steps. The plan returned is always a valid one —
the chosen plan, or the nearest valid plan to the proposal — and ``repairs`` says how the proposal was
changed to reach it (unknown modules dropped, modules the rules or gaps need inserted, order fixed);
``provenance["decided_by"]`` says which. The model's rationales and summary are kept for the modules it
proposed; templates explain the rest. Any failure returns the planner's plan with a warning, within
``timeout_s``.
"""

from __future__ import annotations

import concurrent.futures
import time
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, Field

from curriculum.errors import GenerationError
from curriculum.generation.choice import options_text, resolve_proposal
from curriculum.generation.context import pack_modules
from curriculum.generation.pii import Pseudonymiser
from curriculum.generation.prompts import load_prompt
from curriculum.generation.structured import invoke_structured
from curriculum.generation.tokens import count_tokens
from curriculum.knowledge.catalogue import Catalogue
from curriculum.models import Job, LearnerProfile, LearningPath, Module
from curriculum.planner.select import relevant_modules
from curriculum.settings import Settings

_POOL = concurrent.futures.ThreadPoolExecutor(max_workers=2, thread_name_prefix="llm")


def _clip(limit: int) -> AfterValidator:
    # limits applied after parsing, not in the JSON schema: length constraints make some servers'
    # grammar compilers (llama.cpp) explode
    return AfterValidator(lambda v: v[:limit])


class ProposedStep(BaseModel):
    """One module the model proposes, with why."""

    module_id: Annotated[str, _clip(120)]
    rationale: Annotated[str, _clip(1500)] = ""


class Proposal(BaseModel):
    """The model's structured answer: the letter of the valid plan it chooses (``choice``, "" when it proposes
    its own list), its steps in order with a reason each, and a summary."""

    choice: Annotated[str, _clip(2)] = ""
    steps: Annotated[list[ProposedStep], _clip(60)] = Field(default_factory=list)
    summary: Annotated[str, _clip(3000)] = ""


def make_chat_model(settings: Settings) -> Any:
    """ChatOpenAI (or AzureChatOpenAI when the base URL is an Azure endpoint) for ``settings``.

    ``max_tokens`` is sent rather than ``max_completion_tokens`` (several OpenAI-compatible servers
    ignore the latter); the SDK retries 429/5xx with exponential backoff (``max_retries=2``).
    """
    common = dict(timeout=settings.llm_timeout_s, max_retries=2, temperature=0.1, max_tokens=1200)
    if settings.llm_base_url and ".openai.azure.com" in settings.llm_base_url:
        from langchain_openai import AzureChatOpenAI

        return AzureChatOpenAI(azure_deployment=settings.llm_model, azure_endpoint=settings.llm_base_url,
                               api_key=settings.llm_api_key, api_version="2024-10-21", **common)
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(model=settings.llm_model, base_url=settings.llm_base_url,
                      api_key=settings.llm_api_key or "not-needed", **common)


def candidate_modules(path: LearningPath, job: Job, catalogue: Catalogue, usable: dict[str, Module]) -> list[Module]:
    """Modules relevant to the gaps, the planner's own choices first, then by gap skills covered."""
    gaps = [(r.skill, r.level) for r in job.required_skills if path.start_skills.get(r.skill, 0) < r.level]
    certs = [c for c in job.mandatory_certifications if c not in path.certifications_held]
    rel = relevant_modules(usable, gaps, certs, path.start_skills)
    chosen = [s.module_id for s in path.steps]
    gap_set = {s for s, _ in gaps}

    def score(m: Module) -> tuple:
        return (m.id not in chosen, -sum(o.skill in gap_set for o in m.outcomes), m.duration_hours)
    return sorted(rel.values(), key=score)


class LLMAssembler:
    """Proposal + repair + narrative with an injected LangChain chat model."""

    def __init__(self, chat: Any, prompts_dir: Any, model_name: str = "unknown", token_budget: int = 6000,
                 timeout_s: float = 30.0, price_eur_per_mtok: tuple[float, float] = (0.0, 0.0),
                 methods: tuple[str, ...] | None = None) -> None:
        self.chat = chat
        self.prompts_dir = prompts_dir
        self.model_name = model_name
        self.token_budget = token_budget
        self.timeout_s = timeout_s
        self.price = price_eur_per_mtok
        self.methods = methods

    @classmethod
    def from_settings(cls, settings: Settings) -> "LLMAssembler":
        """Assembler for the endpoint configured in ``settings``."""
        return cls(make_chat_model(settings), settings.prompts_dir, settings.llm_model or "unknown",
                   settings.prompt_token_budget, settings.llm_timeout_s)

    def assemble(self, path: LearningPath, learner: LearnerProfile, job: Job, catalogue: Catalogue,
                 usable: dict[str, Module], options: list[LearningPath] | None = None,
                 nearest: Callable[[list[str]], LearningPath | None] | None = None) -> LearningPath:
        """The plan the model chooses among ``options`` (valid plans; default ``[path]``, the planner's), with its
        reasons; a proposal that is none of them becomes the plan ``nearest(proposed ids)`` returns when valid
        (else the named or first option), with ``repairs`` (:func:`~curriculum.generation.choice.resolve_proposal`).
        Any failure returns ``path`` with a warning."""
        options = options or [path]
        started = time.perf_counter()
        prov = dict(path.provenance, model=self.model_name, narrative="templates (LLM failed)")
        if not path.steps:
            return path.model_copy(update={"provenance": dict(path.provenance, model=self.model_name,
                                                              narrative="templates (nothing to assemble)")})
        try:
            prompt = load_prompt(self.prompts_dir, "assembly")
            pseudo = Pseudonymiser([learner.name or ""], learner.language)
            labels = {s: catalogue.skill_label(s, learner.language) for m in usable.values()
                      for s in [o.skill for o in m.outcomes] + [p.skill for p in m.prerequisites.skills]}
            fixed = dict(language="French" if learner.language == "fr" else "English", job_title=path.target_job.title,
                         gaps=", ".join(f"{catalogue.skill_label(r.skill, learner.language)}: {r.level}"
                                        for r in job.required_skills if path.start_skills.get(r.skill, 0) < r.level),
                         certifications=", ".join(c for c in job.mandatory_certifications
                                                  if c not in path.certifications_held) or "none",
                         constraints=(f"{learner.hours_per_week:g} h/week from {learner.start} to {learner.deadline}, "
                                      f"budget {learner.budget_cap or 'funded'} EUR, radius {learner.mobility_km:g} km, "
                                      f"modalities {', '.join(m.value for m in learner.preferred_modalities)}"),
                         background=pseudo.pseudonymise(learner.background[:6000]) or "-")
            base_tokens = count_tokens(prompt.system + prompt.user + "".join(fixed.values())) + 200
            while True:  # the valid plans first; fewer of them when the budget is tight (the planner's stays)
                plans = pseudo.pseudonymise(options_text(options, learner.language))
                overhead = base_tokens + count_tokens(plans)
                if overhead + 200 <= self.token_budget or len(options) == 1:
                    break
                options = options[:-1]
            packed = pack_modules(candidate_modules(path, job, catalogue, usable), labels,
                                  max(200, self.token_budget - overhead))
            system, user = prompt.render(candidates=packed.text, options=plans, **fixed)
            prompt_tokens = count_tokens(system) + count_tokens(user)
            prov.update(prompt=f"{prompt.name} v{prompt.version}", prompt_tokens=prompt_tokens,
                        pii_removed=pseudo.kinds_removed,  # kinds only, never the values
                        token_budget=self.token_budget,
                        context={"candidates": len(packed.included) + len(packed.left_out),
                                 "included": len(packed.included), "left_out": packed.left_out[:20],
                                 "truncated_summaries": packed.truncated})
            kwargs: dict = {"memo_key": f"{self.model_name}@{getattr(self.chat, 'openai_api_base', '')}"}
            if self.methods:
                kwargs["methods"] = self.methods
            future = _POOL.submit(invoke_structured, self.chat, Proposal, [("system", system), ("human", user)], **kwargs)
            result = future.result(timeout=self.timeout_s)
        except concurrent.futures.TimeoutError:
            return self._fallback(path, prov, started, f"no answer within {self.timeout_s:g} s")
        except GenerationError as exc:
            return self._fallback(path, prov, started, f"{exc} after {exc.attempts} attempt(s)")
        except Exception as exc:  # noqa: BLE001 - any provider failure must still give a plan
            return self._fallback(path, prov, started, f"{type(exc).__name__}: {str(exc)[:200]}")
        proposal: Proposal = result.value  # type: ignore[assignment]
        letter = proposal.choice.strip().upper()[:1]
        chosen, repairs, decided = resolve_proposal(letter, [s.module_id.strip() for s in proposal.steps], options,
                                                    catalogue, nearest or (lambda ids: None))
        kept = len({s.module_id for s in proposal.steps} & {s.module_id for s in chosen.steps})
        by_id = {s.module_id: pseudo.restore(s.rationale) for s in proposal.steps if s.rationale.strip()}
        steps = [s.model_copy(update={"rationale": by_id[s.module_id]}) if s.module_id in by_id else s
                 for s in chosen.steps]
        tin = result.tokens_in or prompt_tokens
        tout = result.tokens_out or count_tokens(result.raw or proposal.model_dump_json())
        prov.update(narrative="llm", structured_output=result.method, attempts=result.attempts, tokens_in=tin,
                    tokens_out=tout, estimated_cost_eur=round((tin * self.price[0] + tout * self.price[1]) / 1e6, 5),
                    latency_s=round(time.perf_counter() - started, 2),
                    proposed_steps=len(proposal.steps), proposed_steps_kept=kept, options=len(options),
                    choice=letter or None, decided_by=f"model: {decided}")
        summary = pseudo.restore(proposal.summary).strip() or chosen.summary
        return chosen.model_copy(update={"steps": steps, "summary": summary, "repairs": repairs, "provenance": prov})

    def _fallback(self, path: LearningPath, prov: dict, started: float, why: str) -> LearningPath:
        prov.update(latency_s=round(time.perf_counter() - started, 2), llm_error=why)
        return path.model_copy(update={"provenance": prov, "warnings": [
            *path.warnings, f"LLM unavailable ({why}); deterministic plan returned"]})
