"""Rich text of LHEO offers to clean text, and entry conditions to prerequisites.

LHEO text fields (``objectif-formation``, ``contenu-formation``, ``conditions-specifiques``…) are
published as plain text, or as HTML escaped inside the XML (``&lt;p&gt;…&lt;/p&gt;``, sometimes
escaped twice, or in CDATA), with ``<br/>``, lists and entities (``&eacute;``, ``&nbsp;``).
:func:`rich_text` turns any of these into Markdown without a tag: paragraphs separated by a blank
line, ``<br>`` as a line break, list items as ``- item`` (``1. item`` in ordered lists); emphasis,
links and unknown tags keep only their text; ``<script>``/``<style>`` are dropped.
:func:`one_line` gives the same text on one line (for a summary).

The converter is the standard library's :class:`html.parser.HTMLParser` (about 80 lines here):
no HTML-to-Markdown package is installed (html2text is GPL-3.0, markdownify needs BeautifulSoup),
the tags LHEO feeds use are few, and the parser costs a few microseconds per field at feed scale.

Entry conditions (:func:`entry_conditions`): certification codes stated as required
("titulaire de l'habilitation B1VL", "être habilité BR") become prerequisite codes when they are
codes of the certification rules (``curriculum/rules/certifications.yaml``); the whole statement
is kept verbatim as text (nothing is dropped).
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from curriculum.rules.reference import RulesReference

_BLOCKS = {"p", "div", "section", "article", "header", "footer", "blockquote", "table", "tr", "h1", "h2", "h3",
           "h4", "h5", "h6", "pre", "dl", "dt", "dd", "address", "figure", "hr"}
_SKIP = {"script", "style", "head", "title"}
_SPACES = re.compile(r"[ \t\u00a0\u202f\u2009\u2007\r\f\v]+")


class _Markdown(HTMLParser):
    """Collects the text of an HTML fragment as Markdown lines (see the module docstring)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.line: list[str] = []
        self.lists: list[list[int]] = []  # one [counter] per open list; counter -1 = unordered
        self.prefix = ""  # list marker of the current line
        self.skip = 0

    def _flush(self, blank: bool) -> None:
        text = _SPACES.sub(" ", "".join(self.line)).strip()
        self.line = []
        if text:
            self.lines.append(self.prefix + text)
        self.prefix = ""
        if blank and self.lines and self.lines[-1] != "":
            self.lines.append("")

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _SKIP:
            self.skip += 1
        elif tag == "br":
            self._flush(False)
        elif tag in ("ul", "ol"):
            self._flush(not self.lists)
            self.lists.append([0 if tag == "ol" else -1])
        elif tag == "li":
            self._flush(False)
            marker = "- "
            if self.lists and self.lists[-1][0] >= 0:
                self.lists[-1][0] += 1
                marker = f"{self.lists[-1][0]}. "
            self.prefix = "  " * max(len(self.lists) - 1, 0) + marker
        elif tag in ("td", "th"):
            self.line.append(" ")
        elif tag in _BLOCKS:
            self._flush(not self.lists)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(self.skip - 1, 0)
        elif tag in ("ul", "ol"):
            self._flush(False)
            if self.lists:
                self.lists.pop()
            if not self.lists:
                self._flush(True)
        elif tag == "li":
            self._flush(False)
        elif tag in _BLOCKS:
            self._flush(not self.lists)

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in ("br", "hr"):
            self.handle_endtag(tag)

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.line.append(data.replace("\n", " "))

    def text(self) -> str:
        self.close()
        self._flush(False)
        while self.lines and self.lines[-1] == "":
            self.lines.pop()
        return "\n".join(self.lines)


def _plain(text: str) -> str:
    lines = [_SPACES.sub(" ", line).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")


def rich_text(raw: str | None) -> str:
    """Clean Markdown text of an LHEO text field (see the module docstring); "" for None/blank.

    >>> rich_text("&lt;p&gt;Risque &amp;eacute;lectrique&lt;/p&gt;&lt;ul&gt;&lt;li&gt;EPI&lt;/li&gt;&lt;/ul&gt;")
    'Risque électrique\\n\\n- EPI'
    """
    if not raw:
        return ""
    text = raw
    for _ in range(2):  # escaped twice: "&lt;p&gt;" left after the XML parser's own unescaping
        if "&lt;" in text or "&gt;" in text or "&amp;" in text:
            text = html.unescape(text)
    if "<" not in text and "&" not in text:
        return _plain(text)
    if not _TAG.search(text):
        return _plain(html.unescape(text))  # "R&D", "&eacute;", "< 30 ans": text, not markup
    parser = _Markdown()
    parser.feed(text)
    return parser.text()


def one_line(markdown: str, limit: int | None = None) -> str:
    """``markdown`` from :func:`rich_text` on one line (list markers dropped), cut at a word boundary
    before ``limit`` characters with "…" when longer."""
    text = " ".join(re.sub(r"^\s*(?:- |\d+\. )", "", line) for line in markdown.splitlines() if line.strip())
    if limit is not None and len(text) > limit:
        cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:.")
        text = cut + "…"
    return text


_PREREQ_HEAD = re.compile(r"^(?:\*\*)?\s*(?:public\s*(?:et|/)\s*)?(?:pr[ée]-?\s?requis|conditions?\s+d['’]\s?"
                          r"(?:acc[èe]s|admission|entr[ée]e)|niveau\s+(?:d['’]\s?)?(?:entr[ée]e|requis))", re.I)


def prerequisite_passages(markdown: str) -> list[str]:
    """Passages of ``markdown`` (from :func:`rich_text`) that state entry conditions: a line starting
    with "Prérequis", "Pré-requis", "Conditions d'accès/d'admission/d'entrée" or "Niveau d'entrée",
    with the list items or the lines that follow it up to the next blank line."""
    out, lines = [], markdown.splitlines()
    i = 0
    while i < len(lines):
        if _PREREQ_HEAD.match(re.sub(r"^\s*(?:- |\d+\. )", "", lines[i])):
            block = [lines[i].strip()]
            i += 1
            while i < len(lines) and lines[i].strip():
                block.append(lines[i].strip())
                i += 1
            if len(block) == 1 and re.search(r":\s*$", block[0]) and i + 1 < len(lines):
                i += 1  # "Prérequis :" then a blank line then the list
                while i < len(lines) and lines[i].strip():
                    block.append(lines[i].strip())
                    i += 1
            out.append("\n".join(block))
        i += 1
    return out


# ------------------------------------------------------------------------------------------ entry conditions

_CLAUSES = re.compile(r"\s*(?:;|\n+|(?<=[a-zé\)])\.\s+(?=[A-ZÉÀ])|•|\u2022)\s*")
_CUE = re.compile(r"titulaire|habilit|d[ée]ten|poss[ée]d|pr[ée]-?\s?requis|requis|exig|obligatoire|qualifi", re.I)
_NOT_REQUIRED = re.compile(r"\bnon\b|\bpas\b|\bsans\b|\baucun|souhait|recommand|conseill|pr[ée]f[ée]r|id[ée]al|"
                           r"appr[ée]ci|\bun plus\b|\batout\b", re.I)
_TOKEN = re.compile(r"(?<![A-Za-z0-9])[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*(?![A-Za-z0-9])")
_HABILITATION_FAMILIES = ("NF C 18-510", "NF C 18-550")


def required_codes(clause: str, reference: RulesReference) -> list[str]:
    """Certification codes of the rules that ``clause`` states as required, or [] when it states none,
    states them as optional ("souhaitée", "recommandée", "non", "sans"…) or as an alternative to
    something that is not a code ("B1VL ou expérience équivalente"). Electrical habilitation symbols
    count only next to "habilit…" (so "titulaire d'un BP" is a brevet professionnel, not the BP
    habilitation). Of alternatives between codes ("B1VL ou B2VL"), the one every other implies is
    kept; if none, nothing is."""
    if not _CUE.search(clause) or _NOT_REQUIRED.search(clause):
        return []
    codes = []
    for token in _TOKEN.findall(clause):
        rule = reference.rule(token) if not reference.is_class(token) else None
        if rule is None or rule.code is None:
            continue
        if rule.family in _HABILITATION_FAMILIES and not re.search(r"habilit", clause, re.I):
            continue
        if token not in codes:
            codes.append(token)
    if re.search(r"\bou\b|\bor\b", clause, re.I) and codes:
        weakest = [c for c in codes if all(c in reference.closure(d) for d in codes)]
        rest = _TOKEN.sub("", clause)
        rest = re.sub(r"(?i)\b(?:ou|et|or|de|d|l|la|le|les|des|du|un|une|habilitations?|[ée]lectriques?|"
                      r"titulaires?|[êe]tre|habilit[ée]e?s?|requise?s?|exig[ée]e?s?|obligatoires?|pr[ée]-?\s?requis|"
                      r"d[ée]tenir|poss[ée]der|niveau|minimum|au moins|symboles?|qualification)\b", " ", rest)
        if re.search(r"[A-Za-zÀ-ÿ]{3,}", rest) or not weakest:
            return []  # an alternative to something else than a code: kept as text only
        return weakest[:1]
    return codes


_NOTHING = re.compile(r"^\W*(?:(?:pr[ée]-?\s?requis|conditions?(?: d['’]\s?(?:acc[èe]s|admission))?)\s*:?\s*)?"
                      r"(?:aucune?s?|n[ée]ant|sans objet|non|pas de pr[ée]-?\s?requis|aucun pr[ée]-?\s?requis|"
                      r"sans pr[ée]-?\s?requis|-|/)?\W*$", re.I)


def entry_conditions(parts: list[str], reference: RulesReference) -> tuple[list[str], str | None]:
    """(certification codes required, text) from the entry-condition statements ``parts`` (level
    sentence, ``conditions-specifiques``, "Prérequis" passages…), in order, without duplicates.
    ``text`` joins the distinct parts verbatim, those that say "none" ("Aucune.", "Néant", "Sans objet")
    left out (None when nothing is left)."""
    seen: list[str] = []
    for part in parts:
        part = part.strip()
        if _NOTHING.match(part):
            continue
        if part and part not in seen and not any(part in s for s in seen):
            seen = [s for s in seen if s not in part] + [part]
    codes: list[str] = []
    for part in seen:
        for clause in _CLAUSES.split(part):
            for code in required_codes(clause, reference):
                if code not in codes:
                    codes.append(code)
    return codes, ("\n".join(seen) or None)
