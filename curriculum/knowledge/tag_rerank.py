"""Optional LLM re-ranking of an offer's suggested skills (the last step of the default tagger).

The configured OpenAI-compatible chat model (:func:`curriculum.generation.assembly.make_chat_model`)
reads the offer's title and first 1,200 characters and the best :data:`TOP` suggestions, numbered, with
the prompt ``prompts/tag_rerank.yaml``, and answers ``{"keep": [numbers, best first]}`` through
:func:`curriculum.generation.structured.invoke_structured` (bounded retries). Kept suggestions come
first in the model's order with ``source="llm"`` and their calibrated confidence; the others follow
with their confidence multiplied by :data:`DEMOTE`. Any failure (unreachable model, invalid answers)
returns the suggestions unchanged; without a model this module is never imported.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from curriculum.knowledge.catalogue import Catalogue
from curriculum.knowledge.tagging import OfferText
from curriculum.models import SkillSuggestion
from curriculum.settings import REPO_ROOT

TOP = 12
DEMOTE = 0.5
PROMPTS_DIR = REPO_ROOT / "prompts"


class RerankAnswer(BaseModel):
    """The model's answer: numbers (1-based) of the candidates the course teaches, best first."""

    keep: list[int] = Field(default_factory=list, max_length=TOP)


def rerank(chat: Any, offer: OfferText, suggestions: list[SkillSuggestion], catalogue: Catalogue,
           prompts_dir=PROMPTS_DIR) -> list[SkillSuggestion]:
    """Suggestions re-ranked by ``chat`` (see the module docstring); unchanged on any failure."""
    from curriculum.errors import CurriculumError
    from curriculum.generation.prompts import load_prompt
    from curriculum.generation.structured import invoke_structured

    head = suggestions[:TOP]
    lines = "\n".join(f"{k}. {catalogue.skill_label(s.skill, offer.language)}" for k, s in enumerate(head, 1))
    try:
        system, user = load_prompt(prompts_dir, "tag_rerank").render(
            title=offer.title, text=(offer.text or "")[:1200], candidates=lines)
        answer = invoke_structured(chat, RerankAnswer, [("system", system), ("human", user)], max_retries=1,
                                   memo_key="tag_rerank").value
    except (CurriculumError, ValueError):
        return suggestions
    order = [n - 1 for n in dict.fromkeys(answer.keep) if 1 <= n <= len(head)]
    kept = [head[i].model_copy(update={"source": "llm"}) for i in order]
    dropped = [s.model_copy(update={"confidence": round(s.confidence * DEMOTE, 3)})
               for i, s in enumerate(head) if i not in order]
    return kept + sorted(dropped + suggestions[TOP:], key=lambda s: -s.confidence)
