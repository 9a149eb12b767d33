"""``curriculum kb review …``: the review queue of imported modules (list, show, approve, reject, reopen).

A thin layer over :mod:`curriculum.knowledge.review`, registered on ``kb_app`` when imported (by
:mod:`curriculum.cli`). Exit codes as the other ``kb`` commands: 0 success, 2 bad input or at least one
module refused (every module is still decided on its own; each refusal printed as
``file:line: field: message`` on stderr), 1 internal failure.
"""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from curriculum.cli_kb import FmtOpt, KbFmt, KbOpt, _line, _run, _settings, kb_app
from curriculum.errors import InputError

review_app = typer.Typer(rich_markup_mode=None, no_args_is_help=True,
                         help="Review imported modules waiting for an instructor (drafts): approve, reject, reopen.")
kb_app.add_typer(review_app, name="review")


class Status(str, Enum):
    draft = "draft"
    rejected = "rejected"
    retired = "retired"
    approved = "approved"


Ids = Annotated[Optional[list[str]], typer.Argument(metavar="ID...", help="module ids", show_default=False)]
MinConf = Annotated[Optional[float], typer.Option("--min-confidence", min=0, max=1,
                                                  help="modules whose best suggestion has at least this confidence (0–1)")]
MaxConf = Annotated[Optional[float], typer.Option("--max-confidence", min=0, max=1,
                                                  help="modules whose best suggestion has at most this confidence (0–1)")]
Domain = Annotated[Optional[str], typer.Option("--domain", help="catalogue domain, e.g. batteries")]
Provider = Annotated[Optional[str], typer.Option("--provider", help="part of the provider's name")]
Feed = Annotated[Optional[str], typer.Option("--feed", help="the feed the modules were imported from (origin.feed)")]
Text = Annotated[Optional[str], typer.Option("--text", help="part of the id, title, summary or provider")]
AllMatching = Annotated[bool, typer.Option("--all-matching", help="also every module matching the filters")]


def _filters(statuses, min_c, max_c, domain, provider, feed, text):
    from curriculum.knowledge.review import ReviewFilter

    return ReviewFilter(statuses=tuple(s.value for s in statuses), min_confidence=min_c, max_confidence=max_c,
                        domain=domain, provider=provider, feed=feed, text=text)


def _targets(ids: list[str] | None, all_matching: bool, filters, kb: Path | None) -> list[str]:
    from curriculum.knowledge.review import pending_modules

    settings = _settings(kb)
    chosen = list(ids or [])
    if all_matching:
        chosen += [m.id for m in pending_modules(settings.kb_dir, filters, cache_dir=settings.data_dir)]
    elif not chosen:
        raise InputError("give module ids, or --all-matching with filters", field="ID")
    return list(dict.fromkeys(chosen))


def _report(results, fmt: KbFmt, done: str) -> None:
    ok = [r for r in results if r.ok]
    if fmt == KbFmt.json:
        typer.echo(json.dumps({"results": [r.as_dict() for r in results], done: len(ok),
                               "refused": len(results) - len(ok)}, ensure_ascii=False, indent=2))
    else:
        for r in results:
            if r.ok:
                typer.echo(f"{r.module_id}: {r.message}, version {r.version}")
            else:
                typer.echo(_line(f"{r.module_id}.md", None, r.field, r.message), err=True)
        typer.echo(f"{len(ok)} {done}, {len(results) - len(ok)} refused")
    if len(ok) < len(results):
        raise typer.Exit(2)


@review_app.command("list")
def review_list(status: Annotated[Optional[list[Status]], typer.Option("--status", help="draft (default), rejected, "
                                                                       "retired, approved; repeat for several")] = None,
                min_confidence: MinConf = None, max_confidence: MaxConf = None, domain: Domain = None,
                provider: Provider = None, feed: Feed = None, text: Text = None,
                fmt: FmtOpt = KbFmt.text, kb: KbOpt = None) -> None:
    """List the modules waiting for review (drafts first, most confident first)."""
    from curriculum.knowledge.review import pending_modules, summary_row

    def go():
        settings = _settings(kb)
        filters = _filters(status or [Status.draft], min_confidence, max_confidence, domain, provider, feed, text)
        rows = [summary_row(m) for m in pending_modules(settings.kb_dir, filters, cache_dir=settings.data_dir)]
        if fmt == KbFmt.json:
            typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        typer.echo(f"{'id':40} {'status':8} {'conf.':>5} {'hours':>7} {'domain':14} {'feed':14} title — provider")
        for r in rows:
            conf = "-" if r["confidence"] is None else f"{r['confidence']:.2f}"
            hours = ("~" if r["hours_estimated"] else "") + f"{r['hours']:g}"
            typer.echo(f"{r['id']:40} {r['status']:8} {conf:>5} {hours:>7} {r['domain'][:14]:14} "
                       f"{(r['feed'] or '-')[:14]:14} {r['title']} — {r['provider']}")
        typer.echo(f"{len(rows)} module(s)")
    _run(go)


@review_app.command("show")
def review_show(module_id: Annotated[str, typer.Argument(metavar="ID", help="module id")],
                fmt: FmtOpt = KbFmt.text, kb: KbOpt = None) -> None:
    """Show one module as a reviewer weighs it: suggestions (level, confidence, source, evidence),
    entry conditions, hours estimate, references, decisions so far."""
    from curriculum.errors import KnowledgeBaseError
    from curriculum.knowledge.catalogue import load_catalogue
    from curriculum.knowledge.review import detail

    def go():
        settings = _settings(kb)
        cat = load_catalogue(settings.kb_dir, cache_dir=settings.data_dir)
        module = cat.pending.get(module_id) or cat.modules.get(module_id)
        if module is None:
            raise KnowledgeBaseError(f"module {module_id!r} not found (or its file is invalid: run "
                                     "`curriculum kb validate`)", file=str(settings.kb_dir / "modules"), field="id")
        d = detail(module, cat, settings.kb_dir)
        if fmt == KbFmt.json:
            typer.echo(json.dumps(d, ensure_ascii=False, indent=2))
            return
        _show_text(d)
    _run(go)


def _show_text(d: dict) -> None:
    conf = "-" if d["confidence"] is None else f"{d['confidence']:.2f}"
    typer.echo(f"{d['id']} — {d['title']}\nstatus {d['status']}, version {d['version']}, confidence {conf}, "
               f"domain {d['domain']}, provider {d['provider']}, feed {d['feed'] or '-'}")
    typer.echo(f"hours: {d['hours']:g}" + (f" (estimated: {d['hours_estimate']})" if d["hours_estimate"] else "")
               + f"; cost {d['cost_eur']:,.0f} EUR; modality {d['modality']}")
    if d["awards"]:
        typer.echo("awards: " + ", ".join(d["awards"]))
    typer.echo("suggestions:" if d["suggestions"] else "suggestions: none")
    for s in d["suggestions"]:
        typer.echo(f"  {s['confidence']:.2f} level {s['level']} [{s['source']}] {s['label']} <{s['skill']}>"
                   + (f"\n       evidence: {s['evidence']}" if s["evidence"] else ""))
    typer.echo("outcomes:" if d["outcomes"] else "outcomes: none yet")
    for o in d["outcomes"]:
        typer.echo(f"  level {o['level']} {o['label']} <{o['skill']}>")
    e = d["entry_conditions"]
    typer.echo("entry conditions:" + ("" if any(e.values()) else " none stated"))
    if e["text"]:
        typer.echo(f"  as stated: {e['text']}")
    for p in e["skills"]:
        typer.echo(f"  skill level {p['level']} {p['label']} <{p['skill']}>")
    if e["certifications"]:
        typer.echo("  certifications: " + ", ".join(e["certifications"]))
    if e["modules"]:
        typer.echo("  modules: " + ", ".join(e["modules"]))
    if d["references"]:
        typer.echo("references: " + "; ".join(f"{k} {v}" for k, v in d["references"].items() if v not in ([], None)))
    for h in d["history"]:
        typer.echo(f"decision {h['at']}: {h['action']} ({h.get('from')} → {h.get('to')}), version {h.get('version')}"
                   + (f": {h['reason']}" if h.get("reason") else ""))


def _skill_arg(text: str) -> tuple[str, int]:
    skill, sep, level = text.rpartition(":")
    if not sep or not skill or level not in {"1", "2", "3", "4"}:
        raise InputError(f"{text!r} is not URI:LEVEL with a level 1–4", field="--skill")
    return skill, int(level)


@review_app.command("approve")
def review_approve(ids: Ids = None, all_matching: AllMatching = False,
                   min_confidence: Annotated[Optional[float], typer.Option(
                       "--min-confidence", min=0, max=1, help="outcomes = the suggestions at or above this confidence "
                       "(0–1); with --all-matching also selects the modules whose best suggestion reaches it")] = None,
                   skill: Annotated[Optional[list[str]], typer.Option(
                       "--skill", help="an outcome as SKILL_URI:LEVEL (1–4); repeat; replaces the outcomes")] = None,
                   max_confidence: MaxConf = None, domain: Domain = None, provider: Provider = None,
                   feed: Feed = None, text: Text = None, fmt: FmtOpt = KbFmt.text, kb: KbOpt = None) -> None:
    """Approve drafts: their outcomes become --skill, else the suggestions at or above --min-confidence,
    else the outcomes they have. Approved modules are planned at once (`curriculum index` makes them searchable)."""
    from curriculum.knowledge.review import approve

    def go():
        skills = [_skill_arg(s) for s in skill] if skill else None
        filters = _filters([Status.draft], min_confidence, max_confidence, domain, provider, feed, text)
        targets = _targets(ids, all_matching, filters, kb)
        _report(approve(_settings(kb).kb_dir, targets, skills=skills, min_confidence=min_confidence),
                fmt, "approved")
    _run(go)


@review_app.command("reject")
def review_reject(ids: Ids = None,
                  reason: Annotated[str, typer.Option("--reason", help="why (kept in review-log.jsonl)")] = "",
                  all_matching: AllMatching = False, min_confidence: MinConf = None, max_confidence: MaxConf = None,
                  domain: Domain = None, provider: Provider = None, feed: Feed = None, text: Text = None,
                  fmt: FmtOpt = KbFmt.text, kb: KbOpt = None) -> None:
    """Reject drafts (or approved / retired modules): out of plans, and kept out across re-imports."""
    from curriculum.knowledge.review import reject

    def go():
        if not reason.strip():
            raise InputError("a rejection needs --reason TEXT", field="--reason")
        filters = _filters([Status.draft], min_confidence, max_confidence, domain, provider, feed, text)
        _report(reject(_settings(kb).kb_dir, _targets(ids, all_matching, filters, kb), reason), fmt, "rejected")
    _run(go)


@review_app.command("reopen")
def review_reopen(ids: Ids = None,
                  reason: Annotated[Optional[str], typer.Option("--reason", help="why (kept in review-log.jsonl)")] = None,
                  fmt: FmtOpt = KbFmt.text, kb: KbOpt = None) -> None:
    """Send approved, rejected or retired modules back to review (drafts, out of plans until approved)."""
    from curriculum.knowledge.review import reopen

    def go():
        _report(reopen(_settings(kb).kb_dir, _targets(ids, False, None, kb), reason=reason), fmt, "reopened")
    _run(go)
