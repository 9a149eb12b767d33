"""Prompt templates stored as YAML files in ``prompts/`` with a declared variable list."""

from __future__ import annotations

import string
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from curriculum.errors import InputError


class PromptTemplate(BaseModel):
    """A versioned prompt: ``system`` and ``user`` texts with ``{variables}``."""

    model_config = ConfigDict(extra="forbid")

    name: str
    version: str
    variables: list[str]
    system: str
    user: str

    def render(self, **values: str) -> tuple[str, str]:
        """(system, user) texts. Raises :class:`InputError` on a missing or undeclared variable."""
        missing = [v for v in self.variables if v not in values]
        if missing:
            raise InputError(f"prompt {self.name} v{self.version}: missing variable(s) {missing}")
        used = {f for text in (self.system, self.user) for _, f, _, _ in string.Formatter().parse(text) if f}
        undeclared = used - set(self.variables)
        if undeclared:
            raise InputError(f"prompt {self.name}: undeclared variable(s) {sorted(undeclared)}")
        return self.system.format(**values), self.user.format(**values)


def load_prompt(prompts_dir: Path, name: str) -> PromptTemplate:
    """Load ``prompts_dir/<name>.yaml``. Raises :class:`InputError` naming the file and field."""
    path = prompts_dir / f"{name}.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return PromptTemplate.model_validate(data)
    except FileNotFoundError:
        raise InputError("prompt file not found", file=str(path)) from None
    except ValidationError as exc:
        err = exc.errors()[0]
        raise InputError(err["msg"], file=str(path), field=".".join(map(str, err["loc"]))) from None
