"""``curriculum intake``: the conversational intake in a terminal (questions on stderr, answers on stdin), writing
the learner profile YAML that ``curriculum plan --learner`` reads."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer


def intake(language: Annotated[str, typer.Option("--language", "-L", help="fr or en")] = "fr",
           learner_id: Annotated[str, typer.Option("--id", help="learner id of the profile")] = "learner",
           out: Annotated[Optional[Path], typer.Option("--out", "-o", help="write the profile YAML here (default: stdout)")] = None,
           kb: Annotated[Optional[Path], typer.Option("--kb", help="knowledge base folder (default: shipped)")] = None) -> None:
    """Answer a few questions; get a learner profile (YAML) to check, then plan with `curriculum plan --learner`."""
    from curriculum.cli import _run, _workspace
    from curriculum.errors import InputError

    def go() -> None:
        if language not in ("fr", "en"):
            raise InputError(f"unknown language {language!r}: use fr or en", field="--language")
        if out is not None:
            from curriculum.outputs import check_output

            check_output(out, [])
        import yaml

        chat = _workspace(kb).intake(language)
        question = chat.question()
        while question:
            typer.echo(question, err=True)
            line = sys.stdin.readline()
            if not line:
                raise InputError("the answers stopped before the profile was complete (still missing: "
                                 + ", ".join(chat.missing()) + ")", field=chat.missing()[0])
            question = chat.answer(line.strip())
        profile = chat.profile(learner_id).model_dump(mode="json", by_alias=True, exclude_none=True,
                                                      exclude={"expect"})
        text = yaml.safe_dump(profile, allow_unicode=True, sort_keys=False)
        typer.echo("profile complete: check it, then run `curriculum plan --learner FILE`", err=True)
        if out is None:
            typer.echo(text)
        else:
            from curriculum.outputs import write_output

            write_output(text, out, [])
            typer.echo(f"wrote {out}", err=True)
    _run(go)
