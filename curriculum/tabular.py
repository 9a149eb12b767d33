"""Spreadsheet cells in and out: formula-injection guard, French numbers, CSV dialects, XLSX rows.

Every CSV/XLSX the product writes and every table the UI shows from user data goes through this
module, so that a cell typed by someone (a learner's name, a company, a module title) can never run
as a formula in Excel, LibreOffice or Google Sheets, and every number a French user types is read.

Formula injection (OWASP "CSV Injection")
    A *text* cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return is prefixed with a
    single quote ``'`` in CSV (:func:`safe_cell`); in XLSX it is written as a string cell (never a
    formula) with Excel's *quote prefix* style, so the text shows as typed and stays text when edited
    (:func:`xlsx_row`). Real numbers (``int``/``float``) stay numbers: ``-2.5`` is a number, ``"-2+3"``
    is text. Readers undo the CSV prefix (:func:`unescape_cell`), so an export reads back unchanged.

French numbers (:func:`parse_number`)
    ``7,5``; ``1 234,5`` with a space, a no-break space (U+00A0) or a narrow no-break space (U+202F)
    between thousands; ``1.234,5``; ``3 500 €``; ``4000 EUR``; ``−3`` (U+2212). See the function for
    the rule on ambiguous inputs.

CSV dialects (:data:`DIALECTS`)
    ``"rfc"`` (default): ``,`` delimiter, UTF-8 without BOM, ``\\n`` line ends, numbers as Python
    writes them (``42.0``). ``"excel-fr"``: what French Excel opens in columns with a double-click —
    ``;`` delimiter, UTF-8 with BOM, ``\\r\\n`` line ends, decimal comma (``42,5``).

Never imports Streamlit or pandas.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from enum import Enum
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet treat a cell as a formula (OWASP)."""


class CsvDialect(str, Enum):
    """CSV dialects of :func:`csv_text` (the choices of the CLI's ``--csv-dialect``)."""

    rfc = "rfc"
    excel_fr = "excel-fr"


DIALECTS = tuple(d.value for d in CsvDialect)
"""CSV dialect names: ``"rfc"``, ``"excel-fr"``."""
BOM = "\ufeff"
_THOUSANDS = " \u00a0\u202f\u2009"  # space, no-break space, narrow no-break space, thin space
_SPACED = re.compile(rf"\d{{1,3}}(?:[{_THOUSANDS}]\d{{3}})+(?:[.,]\d+)?")
_DOTTED = re.compile(r"\d{1,3}(?:\.\d{3})+,\d+|\d{1,3}(?:\.\d{3}){2,}")
_PLAIN = re.compile(r"\d*[.,]?\d+|\d+(?:\.\d+)?[eE][+-]?\d+")
_ENGLISH = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:,\d{3}){2,}")
_CURRENCY = re.compile(r"\s*(?:€|eur|euros?)\s*$", re.IGNORECASE)
_XLSX_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037]")  # control characters XLSX cannot hold


# ------------------------------------------------------------------------------ formula injection


def _is_triggered(text: str) -> bool:
    return text[:1] in FORMULA_TRIGGERS or (text[:1] == "'" and text[1:2] in FORMULA_TRIGGERS and len(text) > 1)


def safe_cell(value: Any) -> Any:
    """``value`` made safe for a CSV cell or a table: a ``str`` starting with ``=``, ``+``, ``-``,
    ``@``, tab or CR gets a leading ``'``; so does one already starting with ``'`` followed by such a
    character (so that :func:`unescape_cell` gives the original back). Anything that is not a ``str``
    (numbers, booleans, dates, None) is returned unchanged.

    >>> safe_cell('=HYPERLINK("http://x","click")')
    '\\'=HYPERLINK("http://x","click")'
    >>> safe_cell(-2.5), safe_cell("Douai")
    (-2.5, 'Douai')
    """
    if isinstance(value, str) and value and _is_triggered(value):
        return "'" + value
    return value


def unescape_cell(text: str) -> str:
    """The inverse of :func:`safe_cell` for text read from a CSV: ``'=x`` → ``=x``, ``''-x`` → ``'-x``;
    any other text is returned unchanged (a quote before an ordinary character is kept)."""
    if text[:1] == "'" and _is_triggered(text[1:]):
        return text[1:]
    return text


def safe_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """``record`` with :func:`safe_cell` applied to every value (for tables shown or downloaded)."""
    return {k: safe_cell(v) for k, v in record.items()}


# -------------------------------------------------------------------------------- French numbers


class NumberError(ValueError):
    """A cell that is not a number. ``message`` says why; ``text`` is the cell; ``file``, ``row``
    (1-based, header = 1, or the CSV line) and ``field`` locate it when the caller gave them."""

    def __init__(self, message: str, text: object, *, file: str | None = None, row: int | None = None,
                 field: str | None = None) -> None:
        self.message, self.text, self.file, self.row, self.field = message, text, file, row, field
        where = ":".join(str(p) for p in (file, row) if p is not None)
        super().__init__(": ".join(p for p in (where, field, message) if p))


def parse_number(value: object, *, file: str | None = None, row: int | None = None, field: str | None = None,
                 integer: bool = False) -> float:
    """The number in a spreadsheet cell, read the French way; ``int``/``float`` cells (XLSX numbers)
    are returned as they are (as ``float``, or ``int`` with ``integer=True``).

    Accepted text (surrounding spaces ignored; sign ``+``, ``-`` or ``−`` U+2212; an optional ``€``,
    ``EUR`` or ``euros`` suffix):

    * ``7,5`` and ``7.5``: a single ``,`` or ``.`` is the decimal separator;
    * ``3 500``, ``1 234,5``: groups of three digits separated by a space, a no-break space (U+00A0),
      a narrow no-break space (U+202F) or a thin space (U+2009);
    * ``1.234,5``, ``1.234.567``: ``.`` between groups of three digits is a thousands separator only
      when followed by a decimal comma or repeated;
    * ``1e-3``: scientific notation with a decimal point.

    Rule for ambiguous inputs: in a French file **the comma is always the decimal separator**, so
    ``1,234`` is 1.234 (not 1234), and a lone dot is a decimal point too (``1.234`` is 1.234). English
    thousands commas (``1,234.5``, ``1,234,567``) and space groups that are not of three digits
    (``12 34``) are refused rather than guessed. NaN and infinities are refused.

    Raises
    ------
    NumberError
        (a ``ValueError``) naming ``file``, ``row`` and ``field``, the text and the expected forms.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise NumberError(f"not a number: {value!r}", value, file=file, row=row, field=field)
    if isinstance(value, str):
        number = _parse_text(value, file=file, row=row, field=field)
    else:
        number = float(value)
    if not math.isfinite(number):
        raise NumberError(f"not a finite number: {value!r}", value, file=file, row=row, field=field)
    if integer:
        if not number.is_integer():
            raise NumberError(f"expected a whole number, got {value!r}", value, file=file, row=row, field=field)
        return int(number)  # type: ignore[return-value]
    return number


def _parse_text(text: str, *, file: str | None, row: int | None, field: str | None) -> float:
    s = _CURRENCY.sub("", unescape_cell(text.strip()).replace("\u2212", "-")).strip()
    sign, body = ("-" if s[:1] == "-" else "", s[1:]) if s[:1] in "+-" else ("", s)
    if _SPACED.fullmatch(body):
        body = re.sub(f"[{_THOUSANDS}]", "", body).replace(",", ".")
    elif _DOTTED.fullmatch(body):
        body = body.replace(".", "").replace(",", ".")
    elif _PLAIN.fullmatch(body):
        body = body.replace(",", ".")
    else:
        if not s:
            why = "empty cell, expected a number"
        elif _ENGLISH.fullmatch(body):
            why = (f"ambiguous number {text!r}: in this file ',' is the decimal separator; "
                   "write thousands with a space (e.g. 1 234,5)")
        else:
            why = f"not a number: {text!r} (write e.g. 7,5 or 1 234,5 or 3 500 €)"
        raise NumberError(why, text, file=file, row=row, field=field)
    return float(sign + body)


# ------------------------------------------------------------------------------------------ CSV


def check_dialect(dialect: str | CsvDialect) -> str:
    """The name of ``dialect`` (a :class:`CsvDialect` or one of :data:`DIALECTS`). Raises
    ``ValueError`` for anything else."""
    dialect = getattr(dialect, "value", dialect)
    if dialect not in DIALECTS:
        raise ValueError(f"unknown CSV dialect {dialect!r} (expected one of: {', '.join(DIALECTS)})")
    return dialect


def format_number(value: int | float, dialect: str = "rfc") -> int | float | str:
    """A number for a CSV cell: unchanged for ``"rfc"`` (the csv module writes ``repr``); for
    ``"excel-fr"`` a string with a decimal comma (``42.5`` → ``"42,5"``, ``42.0`` → ``"42"``)."""
    if getattr(dialect, "value", dialect) != "excel-fr" or isinstance(value, bool):
        return value
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value).replace(".", ",")
    return str(value)


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]], *, dialect: str = "rfc") -> str:
    """CSV text: ``header`` then ``rows``; every text cell through :func:`safe_cell`, every number
    through :func:`format_number`, None as an empty cell.

    ``dialect="rfc"``: ``,``, ``\\n`` line ends, no BOM. ``dialect="excel-fr"``: ``;``, ``\\r\\n``
    line ends, decimal comma, and the text starts with the BOM (U+FEFF), so that written as UTF-8 the
    file starts with the bytes ``EF BB BF``.

    Raises
    ------
    ValueError
        For an unknown ``dialect``.
    """
    dialect = check_dialect(dialect)
    fr = dialect == "excel-fr"
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";" if fr else ",", lineterminator="\r\n" if fr else "\n")
    writer.writerow([safe_cell(h) for h in header])
    for r in rows:
        writer.writerow(["" if v is None else format_number(v, dialect) if isinstance(v, (int, float))
                         else safe_cell(v if isinstance(v, str) else str(v)) for v in r])
    return (BOM if fr else "") + buf.getvalue()


def decode_text(raw: bytes) -> str:
    """Bytes of a CSV file as text: UTF-8 (a BOM is dropped), else Windows-1252 — the encoding of
    French Excel's "CSV (séparateur : point-virgule)" — with undefined bytes replaced by U+FFFD."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


# ----------------------------------------------------------------------------------------- XLSX


def xlsx_row(ws: Any, values: Sequence[object]) -> None:
    """Append ``values`` as a row of the openpyxl worksheet ``ws``, every ``str`` as a string cell.

    openpyxl turns a string starting with ``=`` into a formula cell; here each string is written
    with ``data_type = "s"`` (an inline string: Excel never evaluates it), with the *quote prefix*
    style when it starts with a formula trigger (Excel keeps it text when the cell is edited), and
    without the control characters XLSX cannot hold. Numbers, dates, booleans and None are appended
    as they are.
    """
    from openpyxl.cell.cell import Cell

    cells: list[object] = []
    for v in values:
        if isinstance(v, str):
            text = _XLSX_ILLEGAL.sub("", v)
            cell = Cell(ws)
            cell.value = text
            cell.data_type = "s"
            if text[:1] in FORMULA_TRIGGERS:
                cell.quotePrefix = True
            cells.append(cell)
        else:
            cells.append(v)
    ws.append(cells)
