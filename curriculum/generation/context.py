"""Token-budgeted context: candidate modules packed most-relevant first, measured with tiktoken.

The prompt never silently exceeds the budget: modules are rendered as compact lines, added in
relevance order while they fit; long summaries are truncated fairly (every module gets the same
share) before whole modules are dropped; the packing reports what was left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from curriculum.generation.tokens import count_tokens
from curriculum.models import Module


@dataclass
class PackedContext:
    """Rendered candidate lines, the module ids included, tokens used and ids left out."""

    text: str
    included: list[str]
    tokens: int
    left_out: list[str] = field(default_factory=list)
    truncated: bool = False


def module_line(m: Module, labels: dict[str, str], summary_chars: int) -> str:
    """One line per module: id | title | hours | EUR | modality | outcomes | prerequisites | cert | summary."""
    outs = ", ".join(f"{labels.get(o.skill, o.skill)}:{o.level}" for o in m.outcomes)
    pres = ", ".join(f"{labels.get(p.skill, p.skill)}:{p.level}" for p in m.prerequisites.skills) or "-"
    summary = m.summary[:summary_chars] + ("…" if len(m.summary) > summary_chars else "")
    cert = m.certification.code if m.certification else "-"
    return (f"{m.id} | {m.title} | {m.duration_hours:g} h | {m.cost_eur:.0f} EUR | {m.modality.value} | "
            f"teaches {outs} | needs {pres} | cert {cert} | {summary}")


def pack_modules(modules: list[Module], labels: dict[str, str], budget_tokens: int,
                 summary_chars: int = 240) -> PackedContext:
    """Pack ``modules`` (already sorted by relevance) into at most ``budget_tokens`` tokens."""
    chars = summary_chars
    while True:
        lines, used, included = [], 0, []
        for m in modules:
            line = module_line(m, labels, chars)
            n = count_tokens(line) + 1
            if used + n > budget_tokens:
                break
            lines.append(line)
            used += n
            included.append(m.id)
        if len(included) == len(modules) or chars <= 40:
            left = [m.id for m in modules if m.id not in set(included)]
            return PackedContext("\n".join(lines), included, used, left, truncated=chars < summary_chars)
        chars //= 2  # truncate every summary fairly before dropping whole modules
