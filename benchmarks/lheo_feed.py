"""A generated regional LHEO 2.x feed, from real patterns, for the regional-scale benchmark and tests (issue #11).

What is real: the towns and their coordinates (the shipped gazetteer, ``curriculum/data/places_fr.csv.gz``,
Hauts-de-France départements 02, 59, 60, 62, 80, places of ≥ 3,000 inhabitants); the ROME 4.0 v460 codes
(checked against ``../shared/data/rome4``: H2703, H2704, H2705, H2913, H2916, H2917, I1302, I1304, I1309,
I1604, I1612, F1602, F1628 — N1101 (forklift driving) is a ROME code absent from that extract); the register
codes RNCP41536 (Titre professionnel Technicien de maintenance industrielle) and RNCP38903 (CQPM Pilote de
production de batteries) (francecompetences.fr, ``../shared/docs/domain-facts.md``); the titles' patterns
(electrical habilitations NF C 18-510 / NF C 18-550 and their symbols, IRVE qualification levels, welder
qualification NF EN ISO 9606-1 by process number, CACES® R489, SST, titres professionnels); and the
objectives' wording, made of the French labels (ESCO v1.1.1) of the skills a shipped module of the same kind
teaches. What is not: providers, prices, dates, seats, the other RS/RNCP numbers (register-shaped) and the
Formacode numbers (5 digits, Formacode-shaped, not checked against the thesaurus, which is not shipped).

Shapes of real feeds it reproduces: 1–3 actions per formation (towns), 1–4 sessions per action with some
already ended, ``<extra info="nombre-places">`` seats, prices as ``1250.00``, ``1 250,00`` or ``1 250 €``,
a share of actions with ``duree-indicative`` only ("3 jours", "2 semaines", "9 mois"), HTML-escaped rich
text (``&lt;p&gt;``, ``&lt;li&gt;``, ``&amp;eacute;``), a share without ``geolocalisation`` (town and
postcode only: the postcode is the département's ``NN000``, the gazetteer having none), offers no skill
label describes (CACES, SST: drafts for review), and a second feed (:func:`second_feed`, e.g. ONISEP)
carrying part of the same actions under its own numbers, lightly retitled, with the provider's legal form
spelled differently — the duplicates a merge must catch.

    offers = make_offers(10_000, seed=11, catalogue=cat)       # ≥ 10,000 actions
    Path("carif.xml").write_bytes(lheo_xml(offers))
    Path("onisep.xml").write_bytes(lheo_xml(second_feed(offers, 0.15, seed=12), encoding="ISO-8859-1"))
"""

from __future__ import annotations

import datetime as dt
import html
import random
from dataclasses import dataclass, field, replace
from xml.sax.saxutils import escape

from curriculum.geo import french_places
from curriculum.knowledge.catalogue import Catalogue

DEPARTEMENTS = ("59", "62", "80", "60", "02")
NF550, NF510 = "NF C 18-550", "NF C 18-510"
VEHICLE_SYMBOLS = {"B0L": "personnel non électricien", "B1L": "exécutant", "B1VL": "exécutant au voisinage",
                   "B2VL": "chargé de travaux hors tension", "BCL": "chargé de consignation",
                   "B2TL": "chargé de travaux sous tension", "B1XL": "opération batterie",
                   "B2XL": "opération batterie", "BRL": "chargé d'intervention", "BEL": "chargé d'essais"}
LIKE_SYMBOL = {"B1XL": "ev-habilitation-b1xl-operation-batterie", "B2XL": "ev-habilitation-b2xl-operation-batterie"}


@dataclass
class Pattern:
    """A kind of offer: title, the shipped module whose skills its objectives describe (None: no label
    matches), ROME codes, register code (``RS*``/``RNCP*``: this code; ``"RS"``: a register-shaped RS code
    per title), hours, price per hour (EUR), share of in-person / blended / online."""

    title: str
    like: str | None
    rome: tuple[str, ...]
    register: str | None = None
    hours: tuple[float, ...] = (7, 14, 21)
    rate: tuple[float, float] = (25, 45)
    modality: tuple[float, float, float] = (1.0, 0.0, 0.0)
    weight: float = 1.0


def _patterns() -> list[Pattern]:
    out = []
    for sym, role in VEHICLE_SYMBOLS.items():
        like = LIKE_SYMBOL.get(sym, f"ev-habilitation-{sym.lower()}")
        out.append(Pattern(f"Habilitation électrique {sym} – {role} sur véhicules électriques et hybrides ({NF550})",
                           like, ("I1604", "I1612", "H2703"), "RS", (7, 10.5, 14, 21), (22, 40), weight=1.5))
        out.append(Pattern(f"Recyclage habilitation électrique {sym} ({NF550})",
                           f"ev-habilitation-recyclage-{sym.lower()}",
                           ("I1604", "I1612"), "RS", (3.5, 7, 10.5), (25, 40)))
    for sym, role in {"B1V": "exécutant", "B2V": "chargé de travaux", "BC": "chargé de consignation",
                      "BR": "chargé d'intervention générale"}.items():
        out.append(Pattern(f"Préparation à l'habilitation électrique {sym} – {role} ({NF510})",
                           f"hse-habilitation-electrique-{sym.lower()}", ("I1309", "F1602", "I1304"), "RS",
                           (14, 21), (25, 38), weight=1.5))
    out += [
        Pattern("IRVE – formation qualifiante niveaux 1 et 2 : installation de bornes de recharge ≤ 22 kW",
                "irve-formation-qualifiante-n1-n2", ("F1628", "F1602"), "RS", (14, 21), (35, 55), weight=1.2),
        Pattern("IRVE niveau 3 – recharge rapide > 22 kW et bornes DC", "irve-formation-qualifiante-n3-dc",
                ("F1628",), "RS", (14,), (40, 55)),
        Pattern("Maintenance des infrastructures de recharge pour véhicules électriques (IRVE)",
                "irve-maintenance-bornes", ("F1628", "I1309"), "RS", (14, 21), (35, 50)),
        Pattern("Soudage TIG (141) – préparation à la qualification soudeur NF EN ISO 9606-1",
                "weld-qualification-iso-9606-1-141", ("H2916", "H2913"), "RS", (35, 70), (22, 30), weight=1.2),
        Pattern("Soudage MAG (135) – préparation à la qualification soudeur NF EN ISO 9606-1",
                "weld-qualification-iso-9606-1-135", ("H2917", "H2913"), "RS", (35, 70), (22, 30), weight=1.2),
        Pattern("Soudage TIG sur aciers et inox – toutes positions", "weld-tig-141-soudage-tig", ("H2916",),
                None, (70, 105, 140), (14, 20)),
        Pattern("Soudage semi-automatique MIG/MAG (131, 135)", "weld-mig-mag-131-135", ("H2917",), None,
                (70, 105), (14, 20)),
        Pattern("Initiation au soudage à l'arc – électrode enrobée (111)", "weld-initiation-soudage-arc-111",
                ("H2913",), None, (35, 70), (14, 20)),
        Pattern("Électricité industrielle – les bases pour la maintenance", "maint-electricite-industrielle-bases",
                ("I1304", "I1309"), None, (35, 70), (22, 32), (0.8, 0.2, 0.0)),
        Pattern("Hydraulique et pneumatique industrielles – lecture de schémas et dépannage",
                "maint-hydraulique-pneumatique-bases", ("I1304", "I1310"), None, (35, 70), (24, 32)),
        Pattern("Maintenance préventive, contrôles et GMAO", "maint-preventive-gmao", ("I1304",), None,
                (35, 70, 105), (24, 30), (0.7, 0.3, 0.0)),
        Pattern("Titre professionnel Technicien de maintenance industrielle", "maint-tp-technicien-maintenance-industrielle",
                ("I1304",), "RNCP41536", (700, 1050, 1190), (10, 13), weight=0.4),
        Pattern("Automates programmables industriels – programmation, diagnostic et dépannage",
                "auto-api-programmation-depannage", ("I1302", "H1208"), None, (21, 35), (35, 50), weight=1.2),
        Pattern("Automatismes industriels – initiation aux automates programmables",
                "auto-automatismes-api-initiation", ("I1302",), None, (21, 35), (28, 38), (0.6, 0.3, 0.1)),
        Pattern("Capteurs et actionneurs – installation, réglage et mise en service",
                "auto-capteurs-commandes-mise-en-service", ("I1302",), None, (21, 35), (35, 48)),
        Pattern("Technologie des batteries lithium-ion pour véhicules électriques", "batt-technologie-lithium-ion",
                ("H2703", "H2705"), None, (14, 21, 35), (18, 30), (0.5, 0.4, 0.1)),
        Pattern("Diagnostic et essais des batteries de traction", "batt-diagnostic-essais-packs", ("H2703",), None,
                (21, 35), (25, 40)),
        Pattern("Démantèlement et déchargement des batteries de véhicules électriques", "batt-demantelement-packs-ve",
                ("H2704",), None, (21, 35), (40, 50)),
        Pattern("CQPM Pilote de production de batteries", "batt-cqpm-pilote-production-batteries", ("H2705",),
                "RNCP38903", (400,), (22, 26), weight=0.3),
        Pattern("Programmation et mise en service de robots industriels", "robot-programmation-robot-industriel",
                ("I1302",), None, (21, 35), (45, 55)),
        Pattern("Lean manufacturing – chantiers 5S, SMED et amélioration continue",
                "lean-chantier-5s-smed-amelioration-continue", ("H2504",), None, (14, 21), (40, 60), (0.7, 0.2, 0.1)),
        Pattern("CACES® R489 – chariots de manutention automoteurs catégories 1A, 3 et 5", None, ("N1101",), "RS",
                (14, 21, 35), (20, 30), weight=1.5),
        Pattern("Sauveteur secouriste du travail (SST) – formation initiale", None, ("I1304",), "RS", (14,),
                (15, 25), weight=1.0),
    ]
    return out


PATTERNS = _patterns()
PROVIDER_KINDS = ("Pôle Formation Industrie", "Institut Technique", "Centre de Formation Électricité",
                  "Académie des Métiers de l'Industrie", "Atelier Soudure Formation", "Campus Énergies",
                  "École de Maintenance", "Formation Sécurité")
LEGAL = ("SAS", "SARL", "", "association", "SA")


@dataclass
class Session:
    start: dt.date
    end: dt.date
    seats: int


@dataclass
class Action:
    numero: str
    town: str
    departement: str
    lat: float
    lon: float
    sessions: list[Session]
    price: str  # as written in the feed
    hours: float | None  # nombre-heures-total, None = duree-indicative only
    indicative: str
    modality: str  # LHEO modalites-enseignement: 0 in person, 1 blended, 2 online
    geolocated: bool = True


@dataclass
class Offer:
    """One LHEO ``formation`` with its actions."""

    numero: str
    title: str
    objective: str  # HTML, escaped when written
    results: str
    content: str
    provider: str
    rome: tuple[str, ...]
    formacode: str
    register: str | None
    actions: list[Action] = field(default_factory=list)


def towns(min_population: float = 3000) -> list[tuple[str, str, float, float]]:
    """(name, département, lat, lon) of the gazetteer's Hauts-de-France places, most populous first."""
    seen, out = set(), []
    for candidates in french_places().values():
        for p in candidates:
            if p.departement in DEPARTEMENTS and p.population >= min_population and (p.name, p.insee) not in seen:
                seen.add((p.name, p.insee))
                out.append((p.population, p.name, p.departement, p.lat, p.lon))
    return [(n, d, la, lo) for _, n, d, la, lo in sorted(out, reverse=True)]


def _labels(catalogue: Catalogue | None, like: str | None) -> list[str]:
    module = (catalogue.modules.get(like) or catalogue.pending.get(like)) if catalogue and like else None
    return [catalogue.skill_label(o.skill, "fr") for o in module.outcomes] if module else []  # type: ignore[union-attr]


def _price(rng: random.Random, value: float) -> str:
    whole = f"{value:,.0f}".replace(",", "\u00a0" if rng.random() < 0.2 else " ")
    return rng.choice([f"{value:.2f}", f"{whole},00", f"{whole} €", f"{value:.0f}"])


def _indicative(rng: random.Random, hours: float) -> tuple[str, bool]:
    """(duree-indicative text, True when it is the only duration given)."""
    if rng.random() >= 0.15:
        return (f"{hours:g} heures" if hours < 35 or rng.random() < 0.5 else f"{hours / 7:g} jours"), False
    if hours >= 400:
        return rng.choice([f"{round(hours / 140)} mois", f"{round(hours / 35)} semaines"]), True
    return rng.choice([f"{hours / 7:g} jours", f"{hours:g} h", f"{hours / 35:g} semaines"]), True


def _sessions(rng: random.Random, hours: float, today: dt.date) -> list[Session]:
    days = max(1, round(hours / 7))
    span = days if days <= 5 else round(days * 7 / 5) if hours < 400 else round(days * 7 / 2)  # long: part time
    out = []
    for _ in range(rng.choice((1, 2, 2, 3, 4))):
        start = today + dt.timedelta(days=rng.randint(-150, 330))
        start += dt.timedelta(days=(7 - start.weekday()) % 7)  # a Monday
        out.append(Session(start, start + dt.timedelta(days=max(0, span - 1)), rng.randint(6, 15)))
    return sorted(out, key=lambda s: s.start)


def make_offers(n_actions: int, seed: int = 11, catalogue: Catalogue | None = None,
                today: dt.date | None = None, prefix: str = "HDF") -> list[Offer]:
    """At least ``n_actions`` actions, deterministic for a seed. ``catalogue`` (the shipped one) gives the
    skill labels the objectives are written with; without it objectives name no skill."""
    rng, today = random.Random(seed), today or dt.date.today()
    places = towns()
    weights = [p.weight for p in PATTERNS]
    providers = [f"{rng.choice(PROVIDER_KINDS)} {places[rng.randrange(min(60, len(places)))][0]}"
                 f"{(' ' + rng.choice(LEGAL)) if rng.random() < 0.6 else ''}".strip() for _ in range(400)]
    offers, total, k = [], 0, 0
    while total < n_actions:
        k += 1
        pat = rng.choices(PATTERNS, weights)[0]
        labels = _labels(catalogue, pat.like)
        items = "".join(f"<li>{html.escape(label)}</li>" for label in labels)
        objective = (f"<p>À l'issue de la formation, le stagiaire sera capable de :</p><ul>{items}</ul>" if items
                     else "<p>Conduire en sécurité et <strong>obtenir le certificat</strong> visé.</p>")
        register = (f"RS{rng.randint(5000, 7200)}" if pat.register == "RS" else pat.register)
        hours = float(rng.choice(pat.hours))
        offer = Offer(f"{prefix}-F{k:06d}", pat.title, objective,
                      "<p>Attestation de fin de formation" + (f" ; certification {register}" if register else "")
                      + ".</p>", f"<p>{html.escape(pat.title)} : apports th&eacute;oriques et travaux pratiques.</p>",
                      rng.choice(providers), pat.rome, f"{rng.randint(11000, 45999)}", register)
        for j in range(rng.choice((1, 1, 2, 2, 3))):
            town = places[min(int(rng.expovariate(1 / 25)), len(places) - 1)]
            text, only = _indicative(rng, hours)
            price = round(hours * rng.uniform(*pat.rate) / 10) * 10
            modality = rng.choices(("0", "1", "2"), pat.modality)[0]
            offer.actions.append(Action(f"{offer.numero}-A{j + 1}", town[0], town[1], town[2], town[3],
                                        _sessions(rng, hours, today), _price(rng, price), None if only else hours,
                                        text, modality, geolocated=rng.random() >= 0.1))
        offers.append(offer)
        total += len(offer.actions)
    return offers


def second_feed(offers: list[Offer], share: float = 0.15, seed: int = 12, prefix: str = "ONISEP",
                own: int = 0, catalogue: Catalogue | None = None) -> list[Offer]:
    """Another feed carrying ``share`` of ``offers`` (same provider, towns and sessions, own numbers, the
    title lightly retitled for offers with a register code, the legal form spelled differently), plus
    ``own`` actions of its own."""
    rng, out = random.Random(seed), []
    for k, offer in enumerate(o for o in offers if rng.random() < share):
        legal = rng.choice(("SAS", "S.A.S.", "sarl", ""))
        base = offer.provider.rsplit(" ", 1)[0] if offer.provider.split()[-1] in LEGAL else offer.provider
        title = (f"Formation : {offer.title}" if offer.register and rng.random() < 0.5 else offer.title.upper()
                 if rng.random() < 0.3 else offer.title)
        out.append(replace(offer, numero=f"{prefix}-{k:06d}", title=title, provider=f"{base} {legal}".strip(),
                           actions=[replace(a, numero=f"{prefix}-{k:06d}-{j}") for j, a in enumerate(offer.actions)]))
    if own:
        out += make_offers(own, seed + 1, catalogue, prefix=f"{prefix}-X")
    return out


def _t(tag: str, text: str | None) -> str:
    return f"<{tag}>{escape(text)}</{tag}>" if text is not None else ""


def _action_xml(a: Action) -> str:
    geo = (f"<geolocalisation><latitude>{a.lat:.5f}</latitude><longitude>{a.lon:.5f}</longitude></geolocalisation>"
           if a.geolocated else "")
    adr = (f"<adresse><ligne>1 rue de l'Industrie</ligne>{_t('codepostal', a.departement + '000')}{_t('ville', a.town)}"
           f"<region>Hauts-de-France</region>{geo}</adresse>")
    sessions = "".join(
        f'<session numero="S{i}"><periode><debut>{s.start:%Y%m%d}</debut><fin>{s.end:%Y%m%d}</fin></periode>'
        f"<adresse-inscription>{adr}</adresse-inscription>"
        f'<extras><extra info="nombre-places">{s.seats}</extra></extras></session>'
        for i, s in enumerate(a.sessions, 1))
    return (f'<action numero="{escape(a.numero)}"><rythme-formation>Temps plein</rythme-formation>'
            "<code-public-vise>80056</code-public-vise><niveau-entree-obligatoire>0</niveau-entree-obligatoire>"
            "<modalites-alternance>Sans objet</modalites-alternance>"
            f"{_t('modalites-enseignement', a.modality)}"
            "<conditions-specifiques>&lt;p&gt;Aptitude m&amp;eacute;dicale ; EPI fournis.&lt;/p&gt;</conditions-specifiques>"
            "<prise-en-charge-frais-possible>1</prise-en-charge-frais-possible>"
            f"<lieu-de-formation><coordonnees><nom>Plateau technique</nom>{adr}</coordonnees></lieu-de-formation>"
            f"<modalites-entrees-sorties>0</modalites-entrees-sorties>{sessions}"
            f"<langue-formation>fr</langue-formation>{_t('prix-total-TTC', a.price)}"
            f"{_t('duree-indicative', a.indicative)}"
            f"{_t('nombre-heures-total', f'{a.hours:g}' if a.hours is not None else None)}</action>")


def _offer_xml(o: Offer) -> str:
    cert = ""
    if o.register:
        code = o.register.removeprefix("RNCP").removeprefix("RS")
        cert = f"<certification>{_t('code-RNCP' if o.register.startswith('RNCP') else 'code-RS', code)}</certification>"
    rome = "".join(_t("code-ROME", r) for r in o.rome)
    return (f'<formation numero="{escape(o.numero)}"><domaine-formation>{_t("code-FORMACODE", o.formacode)}{rome}'
            f"</domaine-formation>{_t('intitule-formation', o.title)}{_t('objectif-formation', o.objective)}"
            f"{_t('resultats-attendus', o.results)}{_t('contenu-formation', o.content)}"
            f"<certifiante>{1 if o.register else 0}</certifiante>"
            "<contact-formation><coordonnees><nom>Accueil</nom></coordonnees></contact-formation>"
            f"<parcours-de-formation>1</parcours-de-formation><code-niveau-entree>0</code-niveau-entree>{cert}"
            + "".join(_action_xml(a) for a in o.actions)
            + f"<organisme-formation-responsable><numero-activite>00000000000</numero-activite>"
            f"<SIRET-organisme-formation><SIRET>00000000000000</SIRET></SIRET-organisme-formation>"
            f"{_t('nom-organisme', o.provider)}{_t('raison-sociale', o.provider)}"
            "<coordonnees-organisme><coordonnees><nom>Siège</nom></coordonnees></coordonnees-organisme>"
            "<contact-organisme><coordonnees><nom>Contact</nom></coordonnees></contact-organisme>"
            "</organisme-formation-responsable></formation>\n")


def lheo_xml(offers: list[Offer], encoding: str = "UTF-8") -> bytes:
    """The offers as an LHEO 2.3 document in ``encoding`` (characters it cannot hold as references)."""
    head = (f'<?xml version="1.0" encoding="{encoding}"?>\n<!-- GENERATED by benchmarks/lheo_feed.py: real towns, '
            'codes and title patterns; invented providers, prices and dates. -->\n'
            '<lheo xmlns="http://lheo.gouv.fr/2.3"><offres>\n')
    text = head + "".join(_offer_xml(o) for o in offers) + "</offres></lheo>\n"
    return text.encode(encoding, errors="xmlcharrefreplace")
