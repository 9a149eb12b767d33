"""``curriculum badge verify FILE``: check an Open Badges 3.0 credential (VC-JWT) issued by
:mod:`curriculum.progress.badges`.

Exit codes: 0 valid (one line ``valid: …``), 1 invalid (one line ``invalid: <reason>``: altered, signed by
another key, issued by an untrusted issuer, expired…), 2 unreadable file or bad option.
"""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from curriculum.errors import InputError

badge_app = typer.Typer(rich_markup_mode=None, no_args_is_help=True,
                        help="Open Badges 3.0 credentials issued for passed certification modules.")


class VerifyFmt(str, Enum):
    text = "text"
    json = "json"


@badge_app.command("verify")
def verify(file: Annotated[Path, typer.Argument(metavar="FILE", help="credential file (.jwt, a VC-JWT)")],
           issuer: Annotated[Optional[list[str]], typer.Option(
               "--issuer", metavar="DID", help="trusted issuer did:key (repeatable; default: this data folder's "
               "issuer)")] = None,
           fmt: Annotated[VerifyFmt, typer.Option("--format", "-f", help="text|json (json: the checks' outcome "
                                                  "and the decoded credential)")] = VerifyFmt.text) -> None:
    """Verify a credential: signature, issuer key, Open Badges structure, dates. Prints one line."""
    from curriculum.cli import _run
    from curriculum.progress.badges import verify_badge
    from curriculum.progress.issuer import public_key_of
    from curriculum.settings import Settings

    def go() -> int:
        for did in issuer or ():
            try:
                public_key_of(did)
            except ValueError as exc:
                raise InputError(str(exc), field="--issuer") from None
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read the credential: {exc.strerror or exc}", file=str(file)) from None
        result = verify_badge(data, trusted=issuer or None, data_dir=Settings.from_env().data_dir)
        if fmt == VerifyFmt.json:
            typer.echo(json.dumps({"valid": result.valid, "reason": result.reason or None, "issuer": result.issuer,
                                   "issuer_name": result.issuer_name, "code": result.code,
                                   "achievement": result.achievement, "learner": result.learner,
                                   "date": result.date, "valid_until": result.valid_until,
                                   "credential": result.credential}, ensure_ascii=False, indent=2))
        else:
            typer.echo(result.line())
        return 0 if result.valid else 1

    code = _run(go)
    raise typer.Exit(code)
