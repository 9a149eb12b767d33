"""Structured output from any OpenAI-compatible chat model, choosing what the server supports.

Ladder (first that works wins, and is remembered per model): JSON schema (``response_format``
``json_schema``), function calling, JSON mode with the schema in the prompt, then plain text with
lenient JSON extraction. A reply that fails validation is sent back with the error and retried at
most ``max_retries`` times per method. Transport errors (unreachable server, timeout) stop the ladder
at once: the caller falls back to the deterministic plan. HTTP 429/5xx retries with backoff are the
OpenAI SDK's own (``max_retries`` of the chat model).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from curriculum.errors import GenerationError

METHODS = ("json_schema", "function_calling", "json_mode", "lenient")
_TRANSPORT = ("APIConnectionError", "APITimeoutError", "ConnectError", "ConnectTimeout", "ReadTimeout",
              "TimeoutException", "AuthenticationError", "PermissionDeniedError")


@dataclass
class StructuredResult:
    """Parsed output plus what it took: method used, attempts, token usage, raw text."""

    value: BaseModel
    method: str
    attempts: int
    tokens_in: int | None = None
    tokens_out: int | None = None
    raw: str = ""
    errors: list[str] = field(default_factory=list)


def extract_json(text: str) -> Any:
    """First JSON object in ``text`` (tolerates code fences and prose around it)."""
    text = re.sub(r"```(?:json)?", "", text)
    start = text.find("{")
    if start < 0:
        raise ValueError("no JSON object in the reply")
    decoder = json.JSONDecoder()
    obj, _ = decoder.raw_decode(text[start:])
    return obj


def _usage(msg: Any) -> tuple[int | None, int | None]:
    usage = getattr(msg, "usage_metadata", None) or {}
    return usage.get("input_tokens"), usage.get("output_tokens")


def _is_transport(exc: Exception) -> bool:
    name = type(exc).__name__
    return (name in _TRANSPORT or "Connection" in name or "Timeout" in name
            or isinstance(exc, (TimeoutError, ConnectionError)))


_WORKED: dict[str, str] = {}


def invoke_structured(chat: Any, schema: type[BaseModel], messages: list[tuple[str, str]],
                      methods: tuple[str, ...] = METHODS, max_retries: int = 1, memo_key: str | None = None) -> StructuredResult:
    """Call ``chat`` and return a validated ``schema`` instance.

    Raises
    ------
    GenerationError
        When every method failed (carries attempts and the last raw output), or at once on a
        transport error.
    """
    errors: list[str] = []
    attempts = 0
    if memo_key in _WORKED and _WORKED[memo_key] in methods:  # what this server accepted last time goes first
        methods = (_WORKED[memo_key], *[m for m in methods if m != _WORKED[memo_key]])
    last_raw = ""
    schema_text = json.dumps(schema.model_json_schema(), ensure_ascii=False)
    for method in methods:
        convo = list(messages)
        if method in ("json_mode", "lenient"):
            convo[-1] = (convo[-1][0], convo[-1][1] + "\n\nAnswer with one JSON object only, matching this JSON "
                         f"schema:\n{schema_text}")
        runnable = None
        if method != "lenient":
            try:
                runnable = chat.with_structured_output(schema, method=method, include_raw=True)
            except Exception as exc:  # noqa: BLE001 - the model class does not offer this method
                errors.append(f"{method}: not supported ({type(exc).__name__})")
                continue
        for _ in range(max_retries + 1):
            attempts += 1
            try:
                if runnable is None:
                    reply = chat.invoke(convo)
                    last_raw = str(reply.content)
                    value = schema.model_validate(extract_json(last_raw))
                    tin, tout = _usage(reply)
                else:
                    out = runnable.invoke(convo)
                    raw = out.get("raw")
                    last_raw = str(getattr(raw, "content", "") or getattr(raw, "additional_kwargs", ""))
                    if out.get("parsing_error") is not None or out.get("parsed") is None:
                        raise ValueError(f"parsing error: {out.get('parsing_error')}")
                    value = out["parsed"] if isinstance(out["parsed"], schema) else schema.model_validate(out["parsed"])
                    tin, tout = _usage(raw)
                if memo_key:
                    _WORKED[memo_key] = method
                return StructuredResult(value, method, attempts, tin, tout, last_raw, errors)
            except (ValidationError, ValueError, json.JSONDecodeError) as exc:
                errors.append(f"{method}: {str(exc)[:300]}")
                convo = [*convo, ("ai", last_raw[:2000] or "(empty)"),
                         ("human", f"That reply was invalid: {str(exc)[:500]}. Reply again with valid JSON only.")]
            except Exception as exc:  # noqa: BLE001 - provider errors vary by server
                errors.append(f"{method}: {type(exc).__name__}: {str(exc)[:300]}")
                if _is_transport(exc):
                    raise GenerationError(f"model unreachable: {type(exc).__name__}", attempts=attempts,
                                          raw_output=last_raw) from exc
                break  # refused by this server (e.g. HTTP 400 on response_format): next method
    raise GenerationError("no structured-output method worked: " + " | ".join(errors[-4:]), attempts=attempts,
                          raw_output=last_raw)
