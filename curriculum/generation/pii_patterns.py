"""Detectors of personal identifiers in French and English free text (CVs, backgrounds, chats).

Each detector takes the text and returns spans ``(start, end, kind)`` (character offsets, end
exclusive); :mod:`curriculum.generation.pii` resolves overlaps and replaces them with placeholders.
Kinds: ``nir`` (social security number), ``iban``, ``birth_date``, ``id_card``, ``driving_licence``,
``passport``, ``phone``, ``email``, ``address``, ``person``, ``employer``.

Numbers that carry a checksum are validated with python-stdnum (French NIR key mod 97, IBAN mod 97
per country); the same shapes are also taken unvalidated when written next to their cue ("sécurité
sociale", "NIR", "n° SS", "IBAN", "RIB" …). Identity-card, driving-licence and passport numbers have
no public checksum: they are taken only after their cue. Over-redaction is preferred to a leak, but
tokens without a digit, shorter than the kind's length, or listed as trade words (B2VL, IRVE, ISO,
CACES …) are never taken, so skills, hours ("35 h") and year ranges ("2019–2023") stay.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from stdnum import iban as _iban
from stdnum.fr import nir as _nir

Span = tuple[int, int, str]

_S = r"[ \u00a0\u202f.\-]"  # one separator inside a number (spaces incl. no-break, dot, hyphen)
_SP = r"[ \u00a0\u202f]"
_UP = "A-ZÀ-ÖØ-Þ\u0100-\u017f"  # Latin-1 capitals, and Latin Extended-A (either case)
_LOW = "a-zß-öø-ÿ\u0100-\u017f"

EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")  # starts at a word: linear time

# --- social security (NIR), IBAN --------------------------------------------------------------
NIR = re.compile(rf"(?<![\w])[1-478]{_S}?\d\d{_S}?\d\d{_S}?(?:\d\d|2[AB]){_S}?\d{{3}}{_S}?\d{{3}}(?:{_S}?\d\d)?(?![\w])")
NIR_CUE = re.compile(r"(?i:s[ée]curit[ée][ \u00a0]+sociale|\bs[ée]cu\b|\bNIR\b|\bN[°o]\.?[ \u00a0]*(?:de[ \u00a0]+)?S\.?S\.?(?![\w])"
                     r"|\bnum[ée]ro[ \u00a0]+(?:de[ \u00a0]+)?S\.?S\.?(?![\w])|\bINSEE\b|carte[ \u00a0]+vitale"
                     r"|social[ \u00a0]+security|\bSSN\b|\bNISS\b)")
UK_NINO = re.compile(rf"(?<![\w])[A-Z]{{2}}{_SP}?\d\d{_SP}?\d\d{_SP}?\d\d{_SP}?[A-D](?![\w])")  # UK National Insurance
IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d\d(?:[ \u00a0\-]?[A-Z0-9]){11,30}")
IBAN_CUE = re.compile(r"(?i:\bIBAN\b|\bRIB\b|compte[ \u00a0]+bancaire|bank[ \u00a0]+account|account[ \u00a0]+(?:number|no))")

# --- identity documents (cue + identifier token) ------------------------------------------------
ID_CARD_CUE = re.compile(r"(?i:carte[ \u00a0]+(?:nationale[ \u00a0]+)?d['’][ \u00a0]?identit[ée]|\bCNI\b|identity[ \u00a0]+card"
                         r"|\bID[ \u00a0]+card|national[ \u00a0]+ID|pi[èe]ce[ \u00a0]+d['’][ \u00a0]?identit[ée]"
                         r"|titre[ \u00a0]+de[ \u00a0]+s[ée]jour|residence[ \u00a0]+permit)")
LICENCE_CUE = re.compile(r"(?i:permis(?:[ \u00a0]+de[ \u00a0]+conduire)?|driv(?:ing|er['’]?s)[ \u00a0]+licen[cs]e"
                         r"|licen[cs]e[ \u00a0]+(?:number|no\b))")
PASSPORT_CUE = re.compile(r"(?i:passe?port)")
# an identifier: groups of capitals and digits, each holding a digit, joined by one separator
ID_TOKEN = re.compile(rf"(?<![\w])[A-Z0-9]*\d[A-Z0-9]*(?:{_S}[A-Z0-9]*\d[A-Z0-9]*)*(?![\w])")
# alphanumeric length of the identifier taken after each cue (shorter: not that identifier)
ID_LENGTHS = {"nir": (9, 15), "id_card": (9, 12), "driving_licence": (8, 18), "passport": (6, 14)}

# --- birth dates ---------------------------------------------------------------------------------
_MONTHS = (r"(?i:janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[uû]t|septembre|octobre|novembre|d[ée]cembre"
           r"|january|february|march|april|may|june|july|august|september|october|november|december"
           r"|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\.?")
_DATE = (rf"\d{{1,2}}(?:er|st|nd|rd|th)?{_SP}+(?:of{_SP}+)?{_MONTHS},?{_SP}+\d{{4}}"
         rf"|{_MONTHS}{_SP}+\d{{1,2}}(?:st|nd|rd|th)?,?{_SP}+\d{{4}}"
         r"|\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d\d)(?!\d)|\d\d \d\d \d{4}")
_BIRTH_CUE = (r"(?i:\bn[ée]e?(?:\(e\))?|\bborn)(?:[ \u00a0]+(?:à|a|in|at)[ \u00a0]+[^\n,;:]{1,40}?)?"
              r"(?:[ \u00a0]+(?i:le|on|the))?"
              r"|(?i:date[ \u00a0]+de[ \u00a0]+naissance|date[ \u00a0]+of[ \u00a0]+birth|birth[ \u00a0]?date|birthday"
              r"|\bD\.?O\.?B\b\.?|anniversaire)")
BIRTH_DATE = re.compile(rf"(?:{_BIRTH_CUE}){_SP}*(?:[:\-–]|(?i:is|was|est|:))?{_SP}*({_DATE})")
BIRTH_YEAR = re.compile(r"(?i:\bn[ée]e?(?:\(e\))?[ \u00a0]+en|\bborn[ \u00a0]+in)[ \u00a0]+((?:19|20)\d\d)(?!\d)")

# --- phones --------------------------------------------------------------------------------------
PHONE_FR = re.compile(rf"(?<![\w+])(?:(?:\+|00)33{_S}?(?:\(0\){_S}?)?|0)[1-9](?:{_S}?\d\d){{4}}(?![\w])")
PHONE_INTL = re.compile(rf"(?<![\w+])(?:\+|00)[1-9]\d{{0,2}}{_S}?(?:\(\d{{1,4}}\){_S}?)?\d{{1,4}}(?:{_S}?\d{{2,4}}){{1,5}}(?![\w])")
PHONE_CUE = re.compile(rf"(?i:\bt[ée]l(?:[ée]phone)?|\bphone|\bmobile|\bportable|\bcell(?:ular)?|\bgsm|\bfax)\b\.?{_SP}*"
                       rf"(?:\([^)\n\d]{{0,20}}\){_SP}*)?[:\-–]?{_SP}*(\(?\+?\d+\)?(?:[ \u00a0.\-]?\(?\d+\)?){{1,8}})")

# --- postal addresses ----------------------------------------------------------------------------
_CONNECT = r"(?i:de|du|des|la|le|les|l['’]|d['’]|aux|au|sur|sous|saint|sainte|st|ste)"
_WORD = r"[\w'’\-]+"
_CAP = rf"[{_UP}][\w'’\-]*"
_CITY = rf"[{_UP}][{_LOW}'’\-]*(?:[{_UP}][{_LOW}'’\-]*)*(?![\w])"  # a city name (letters only)
_STREET_ANY = (r"(?i:rue|avenue|av\.|boulevard|bd|bld|chemin|allée|allee|impasse|quai|faubourg|fbg|sentier|"
               r"rond[- ]point|chauss[ée]e|lieu[- ]dit|hameau|lotissement|all\.)")
_STREET_CAP = (r"(?:[Pp]lace|Cours|Route|[Rr]te|Passage|Mail|Domaine|Voie|Villa|Square|Cit[ée]|R[ée]sidence|"
               r"Esplanade|Parvis|Promenade|Quartier)")
_NUM = rf"(?<![\w])\d{{1,4}}(?:{_SP}?(?:bis|ter|quater|[A-D])(?![\w]))?,?{_SP}+"
_TAIL = rf"(?:,?{_SP}+(?:\d{{5}}|\d\d{_SP}\d{{3}})(?:{_SP}+{_CAP}(?:[ \-]{_CAP})*)?)?"
ADDRESS_FR = re.compile(rf"{_NUM}{_STREET_ANY}{_SP}+(?:{_CONNECT}{_SP}*)*{_WORD}(?:{_SP}+(?:{_CONNECT}{_SP}*)*{_CAP})*{_TAIL}")
ADDRESS_FR_CAP = re.compile(rf"{_NUM}{_STREET_CAP}{_SP}+(?:{_CONNECT}{_SP}*)*{_CAP}(?:{_SP}+(?:{_CONNECT}{_SP}*)*{_CAP})*{_TAIL}")
ADDRESS_NAMED = re.compile(rf"(?<![\w])(?:R[ée]sidence|Lotissement|Lieu[- ]dit|Hameau|B[âa]timent|Bât\.|Domaine)"
                           rf"{_SP}+(?:{_CONNECT}{_SP}*)*{_CAP}(?:{_SP}+(?:{_CONNECT}{_SP}*)*{_CAP})*")
ADDRESS_EN = re.compile(rf"(?<![\w])\d{{1,5}}[A-Za-z]?{_SP}+(?:{_CAP}{_SP}+){{1,4}}"
                        r"(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Close|Way|Boulevard|Blvd|Place|Pl|Square|Sq|"
                        r"Court|Ct|Crescent|Terrace|Gardens|Row|Hill|Park|Mews|Grove)\b\.?"
                        rf"(?:,?{_SP}+{_CITY}(?:{_SP}{_CITY})?)?(?:,?{_SP}+(?:[A-Z]{{1,2}}\d[A-Z\d]?{_SP}?\d[A-Z]{{2}}|[A-Z]{{2}}{_SP}\d{{5}}))?")

# --- personal names ------------------------------------------------------------------------------
_NAME_WORD = (rf"(?:(?:[{_UP}]['’])?[{_UP}][{_LOW}]+(?:[{_UP}][{_LOW}]+)?(?:-(?:[{_UP}]['’])?[{_UP}][{_LOW}]+)?"
              rf"|[{_UP}]{{2,}}(?:[-'’][{_UP}]{{2,}})?)")
_PARTICLE = r"(?:de|du|des|van|von|der|den|le|la|di|da|del|ben|el|al|d['’])"
FULL_NAME = rf"{_NAME_WORD}(?:{_SP}(?:{_PARTICLE}{_SP}?)?{_NAME_WORD}){{0,3}}"
NAME_CUE = re.compile(
    r"(?:(?i:je[ \u00a0]+m['’]appelle|my[ \u00a0]+name[ \u00a0]+is|i['’]m[ \u00a0]+called|i[ \u00a0]+am[ \u00a0]+called)[ \u00a0]+"
    r"|(?i:\bnom(?:[ \u00a0]+et[ \u00a0]+pr[ée]nom|,[ \u00a0]*pr[ée]nom)?|\bpr[ée]noms?|\b(?:full[ \u00a0]+|first[ \u00a0]+|last[ \u00a0]+)?name"
    r"|\bsurname|\bcandidat(?:e)?|\bsign[ée](?:[ \u00a0]+par)?|\bsigned(?:[ \u00a0]+by)?)[ \u00a0]*:[ \u00a0]*"
    r"|(?:\bM\.|\bMme|\bMlle|\bMr\.?|\bMrs\.?|\bMs\.?|\bMadame|\bMonsieur)[ \u00a0]+"
    r"|(?im:^[ \u00a0]*(?:cordialement|bien[ \u00a0]+cordialement|bien[ \u00a0]+à[ \u00a0]+vous|salutations|"
    r"(?:best|kind|warm)[ \u00a0]+regards|regards|sincerely|yours[ \u00a0]+sincerely|merci|thanks|--)"
    r"[ \u00a0]*[,.!]?[ \u00a0]*\n?[ \u00a0]*))"
    rf"({FULL_NAME})")

# --- employers -----------------------------------------------------------------------------------
_ORG_WORD = rf"[{_UP}0-9][\w&'’.\-]*[\w&]|[{_UP}]"
EMPLOYER_CUE = re.compile(
    r"(?i:\bchez|\bat|\bemployed[ \u00a0]+(?:by|at)|\bworked[ \u00a0]+for|\bworking[ \u00a0]+for|\bwork[ \u00a0]+for"
    r"|\btravaill\w*[ \u00a0]+pour|\bpour[ \u00a0]+le[ \u00a0]+compte[ \u00a0]+de|\bemploy[ée]e?[ \u00a0]+par|\bembauch[ée]e?[ \u00a0]+par)"
    rf"[ \u00a0]+((?:{_ORG_WORD})(?:{_SP}(?:(?i:de|du|des|et|and|of|&){_SP})?(?:(?i:l['’]|d['’]|la{_SP}|le{_SP}|les{_SP}))?"
    rf"(?:{_ORG_WORD})){{0,4}})")
EMPLOYER_LABEL = re.compile(r"(?:^|(?<=[\n;|,.(—–\-]))[ \u00a0]*(?i:\bemployeur(?:[ \u00a0]+actuel)?|\b(?:current[ \u00a0]+)?employer|\bentreprise|\bsoci[ée]t[ée]|\bcompany)"
                            r"[ \u00a0]*:[ \u00a0]*([^\n,;.()\[\]–—|/]{2,60})")
_ORG_BREAK = re.compile(r"(?i:depuis|since|from|en|in|comme|as|où|where|pendant|during|jusqu\w*|until|pour|for|with|avec|"
                        r"sur|on|à|a|au|to|then|puis|when|quand|je|i|j['’]\w*)$")
_LABEL_BREAK = re.compile(r"(?i:depuis|since|from|jusqu\w*|until|pendant|during|comme|as|où|where)$")
_ORG_JOIN = re.compile(r"(?i:de|du|des|d['’]|la|le|les|l['’]|et|and|of|&)$")
# capitalised words that follow "at"/"chez" without being an employer, and trade words
NOT_ORG = {w.lower() for w in (
    "Level Niveau Least Home Work Night Noon Midnight Bac Master Licence BTS CAP BEP DUT BUT CQP Monday Tuesday "
    "Wednesday Thursday Friday Saturday Sunday January February March April May June July August September October "
    "November December The Moi Nous Vous Eux Lui IRVE ISO CACES RNCP TIG MIG MAG SST PLC API CNC GMAO SAP AC DC "
    "HT BT HTA BTA EV VE AFPA").split()}
_GOOD_AT = re.compile(r"(?i:\b(?:good|skilled|proficient|expert|better|best|bad|great|competent|experienced|efficient|"
                      r"fluent|excellent)[ \u00a0]+at[ \u00a0]+$)")


_YEAR = re.compile(r"(?:19|20)\d\d")


def _nir_spans(text: str) -> Iterable[Span]:
    for m in NIR.finditer(text):
        compact = re.sub(r"[^0-9AB]", "", m.group())
        cued = NIR_CUE.search(text, max(0, m.start() - 60), m.start()) is not None
        if (len(compact) == 15 and _nir.is_valid(compact)) or cued:
            yield m.start(), m.end(), "nir"


def _iban_spans(text: str) -> Iterable[Span]:
    for m in IBAN.finditer(text):
        pos = [m.start() + i for i, ch in enumerate(m.group()) if ch.isalnum()]
        compact = "".join(text[p] for p in pos)
        valid = next((n for n in range(len(compact), 14, -1) if _iban.is_valid(compact[:n])), 0)
        if valid:
            yield m.start(), pos[valid - 1] + 1, "iban"
        elif IBAN_CUE.search(text, max(0, m.start() - 40), m.start()):
            end = re.sub(r"[ \u00a0\-][A-Z]+$", "", m.group())  # a trailing word in capitals is not the IBAN
            yield m.start(), m.start() + len(end), "iban"


def _after_cue(text: str, cue: re.Pattern, kind: str, window: int = 40) -> Iterable[Span]:
    """The first identifier token of the kind's length within ``window`` characters after each cue."""
    low, high = ID_LENGTHS[kind]
    for c in cue.finditer(text):
        stop = text.find("\n", c.end())
        stop = min(c.end() + window + 40, len(text) if stop < 0 else stop)
        for t in ID_TOKEN.finditer(text, c.end(), stop):
            if t.start() - c.end() > window:
                break
            groups = list(re.finditer(r"[A-Z0-9]+", t.group()))
            if kind != "nir":  # spaced documents numbers come in groups of 3+: "R489 1A 3 5" is no number
                groups = groups[:next((i for i, g in enumerate(groups) if i and len(g.group()) < 3), len(groups))]
                if all(_YEAR.fullmatch(g.group()) for g in groups):
                    continue  # "valide 2019-2029"
            for n in range(len(groups), 0, -1):  # longest run of groups within the kind's length
                size = sum(len(g.group()) for g in groups[:n])
                if low <= size <= high and (kind != "nir" or sum(ch.isdigit() for ch in t.group()) >= 9):
                    yield t.start(), t.start() + groups[n - 1].end(), kind
                    break
            else:
                continue
            break


def _group_spans(pattern: re.Pattern, text: str, kind: str, group: int = 0) -> Iterable[Span]:
    for m in pattern.finditer(text):
        yield m.start(group), m.end(group), kind


def _phone_spans(text: str) -> Iterable[Span]:
    yield from _group_spans(PHONE_FR, text, "phone")
    for pattern, group in ((PHONE_INTL, 0), (PHONE_CUE, 1)):
        for m in pattern.finditer(text):
            if sum(ch.isdigit() for ch in m.group(group)) >= 8 + group:  # 9 after a cue: "portable 2019 - 2023" stays
                yield m.start(group), m.end(group), "phone"


def _org_value(value: str, free: bool) -> str:
    """The employer's name at the start of ``value``: up to a word with a digit, a cue word or a trade word."""
    words: list[str] = []
    for word in value.split():
        if any(ch.isdigit() for ch in word) or (free and _LABEL_BREAK.match(word)) or word.strip(".").lower() in NOT_ORG:
            break
        if not free and (_ORG_BREAK.match(word) or not (word[:1].isupper() or _ORG_JOIN.match(word)
                                                        or re.match(rf"[ld]['’][{_UP}]", word))):
            break
        words.append(word)
    while words and _ORG_JOIN.match(words[-1]):
        words.pop()
    return " ".join(words).rstrip(".'’-&")


def employer_spans(text: str) -> list[Span]:
    """Employers after "chez", "at", "worked for", "employé par" … and after "Employeur :", "Company:" …"""
    spans = []
    for pattern, free in ((EMPLOYER_CUE, False), (EMPLOYER_LABEL, True)):
        for m in pattern.finditer(text):
            if not free and m.group(0)[:2].lower() == "at" and _GOOD_AT.search(text, max(0, m.start() - 30), m.end(1) - len(m.group(1))):
                continue
            value = _org_value(m.group(1), free)
            if len(value) >= 2:
                spans.append((m.start(1), m.start(1) + len(value), "employer"))
    return spans


def person_spans(text: str) -> list[Span]:
    """Capitalised names after "Je m'appelle", "My name is", "Nom :", "M.", "Mme" and in signatures."""
    out = []
    for m in NAME_CUE.finditer(text):
        words = m.group(1).split()
        while words and words[-1].lower() in NOT_ORG:
            words.pop()
        if words:
            value = " ".join(words)
            out.append((m.start(1), m.start(1) + len(value), "person"))
    return out


def known_value_spans(text: str, values: Iterable[str], kind: str) -> list[Span]:
    """Every occurrence of ``values`` (as written, capitalised or in capitals), longest first."""
    variants = {v for value in values for v in (value, value.upper(), value.title()) if len(v.strip()) > 2}
    if not variants:
        return []
    alternation = "|".join(re.escape(v) for v in sorted(variants, key=len, reverse=True))
    return [(m.start(), m.end(), kind) for m in re.finditer(rf"(?<![\w])(?:{alternation})(?![\w])", text)]


def identifier_spans(text: str) -> list[Span]:
    """Spans of every identifier kind but names and employers, most specific detectors first."""
    spans: list[Span] = list(_group_spans(EMAIL, text, "email"))
    spans += _iban_spans(text)
    spans += _nir_spans(text)
    spans += _after_cue(text, NIR_CUE, "nir")
    spans += _group_spans(UK_NINO, text, "nir")
    spans += _after_cue(text, PASSPORT_CUE, "passport")
    spans += _after_cue(text, ID_CARD_CUE, "id_card")
    spans += _after_cue(text, LICENCE_CUE, "driving_licence")
    spans += _group_spans(BIRTH_DATE, text, "birth_date", 1)
    spans += _group_spans(BIRTH_YEAR, text, "birth_date", 1)
    spans += _phone_spans(text)
    for pattern in (ADDRESS_FR, ADDRESS_FR_CAP, ADDRESS_EN, ADDRESS_NAMED):
        spans += _group_spans(pattern, text, "address")
    return spans
