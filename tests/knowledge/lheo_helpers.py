"""Helpers of the LHEO tests: an explicit test tagger, a one-offer feed builder and a synthetic
regional feed.

``KeywordTagger``: a small, predictable :class:`~curriculum.knowledge.tagging.OfferTagger` for tests
of the parser's own behaviour (whatever tagger the product ships): skills from a fixed keyword table,
electrical habilitation symbols written as words of the title and ISO 9606-1 process 141 as awards,
``confident`` when a skill is found.
``one_offer(**fields)``: an LHEO 2.3 feed (bytes) of one formation with one action, any element
replaced or removed. ``synthetic_feed(actions)``: a regional feed for scale tests (→ UTF-8 bytes).

Offers follow the shapes of the fixtures in ``tests/data/lheo/`` (escaped-HTML objectives and
content, ROME/Formacode/NSF codes, RNCP codes on some, two actions per formation in different
towns, two sessions per action with seats, geolocated places on half of them and gazetteer towns
on the rest, durations in hours, hours centre + company, days, weeks or years, French prices).
Deterministic for a given ``seed``. Titles, providers and numbers are invented.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from html import escape

from curriculum.knowledge.tagging import OfferText, Tagging
from curriculum.models import SkillLevel, SkillSuggestion
from curriculum.rules.reference import load_reference

ESCO = "http://data.europa.eu/esco/skill/"
TESTING_METHODS = ESCO + "c8bd9f9f-0ec6-447a-ab78-ad6eeeed9aa8"  # electrical testing methods
SAFETY_REGULATIONS = ESCO + "76526bf6-bada-4ca1-8e79-6b9d4228b607"  # electrical safety regulations
TIG_WELDING = ESCO + "a51adea8-bf02-488a-a0d8-b0961caca5b0"  # perform tungsten inert gas welding
KEYWORDS = {"essai": TESTING_METHODS, "sécurité électrique": SAFETY_REGULATIONS, "habilitation": SAFETY_REGULATIONS,
            "maintenance": ESCO + "5033c2fb-ec55-4b8e-b0a4-9379593f1e1c"}  # maintain equipment


@dataclass
class KeywordTagger:
    """Explicit test tagger (see the module docstring); ``seen`` keeps every offer it was given."""

    keywords: dict[str, str] = field(default_factory=lambda: dict(KEYWORDS))
    confident: bool = True
    seen: list[OfferText] = field(default_factory=list)

    def __call__(self, offer: OfferText) -> Tagging:
        self.seen.append(offer)
        text = f"{offer.title}\n{offer.text}".lower()
        skills = list(dict.fromkeys(sid for key, sid in self.keywords.items() if key in text))
        reference = load_reference()
        awards = [w for w in re.findall(r"[A-Z][A-Z0-9-]+", offer.title)
                  if (rule := reference.rule(w)) is not None and rule.family in ("NF C 18-510", "NF C 18-550")]
        if "9606-1" in offer.title and "141" in offer.title:
            awards.append("ISO9606-1-141")
        return Tagging(outcomes=[SkillLevel(skill=s, level=2) for s in skills] if self.confident else [],
                       suggestions=[SkillSuggestion(skill=s, level=2, confidence=0.9 if self.confident else 0.4,
                                                    source="label") for s in skills],
                       awards=awards, confident=self.confident and bool(skills))


ACTION = {
    "modalites-alternance": "Sans objet", "modalites-enseignement": "0", "conditions-specifiques": "Aucune.",
    "lieu-de-formation": "<coordonnees><adresse><codepostal>59500</codepostal><ville>Douai</ville>"
                         "<geolocalisation><latitude>50.3707</latitude><longitude>3.0792</longitude>"
                         "</geolocalisation></adresse></coordonnees>",
    "session": "<periode><debut>20270301</debut><fin>20270303</fin></periode>",
    "langue-formation": "fr", "prix-total-TTC": "690,00 €", "nombre-heures-total": "21",
}
FORMATION = {
    "intitule-formation": "Habilitation électrique B1VL – véhicules électriques",
    "objectif-formation": "Appliquer les règles de sécurité électrique sur véhicule.",
    "resultats-attendus": "Avis en vue de l'habilitation.", "contenu-formation": "Risque électrique.",
    "certifiante": "0", "code-niveau-entree": "0",
}


def one_offer(numero: str | None = "F1", action_numero: str | None = "A1", namespace: str = "http://lheo.gouv.fr/2.3",
              **fields: str | None) -> bytes:
    """A feed of one formation × one action; ``fields`` (``_`` for ``-``) replace elements of the
    formation or the action; None removes one. Values are inserted as XML (escape text yourself)."""
    formation, action = dict(FORMATION), dict(ACTION)
    for key, value in fields.items():
        name = key.replace("_", "-")
        target = action if name in action or name in ("duree-indicative", "prix-horaire-TTC", "nombre-heures-centre",
                                                      "nombre-heures-entreprise", "rythme-formation",
                                                      "niveau-entree-obligatoire") else formation
        target[name] = value
    body = "".join(f"<{k}>{v}</{k}>" for k, v in action.items() if v is not None)
    head = "".join(f"<{k}>{v}</{k}>" for k, v in formation.items() if v is not None)
    num = f' numero="{numero}"' if numero else ""
    anum = f' numero="{action_numero}"' if action_numero else ""
    xmlns = f' xmlns="{namespace}"' if namespace else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<lheo{xmlns}><offres>\n<formation{num}>{head}\n'
            f'<action{anum}>{body}</action>\n<organisme-formation-responsable><raison-sociale>Organisme (exemple)'
            '</raison-sociale></organisme-formation-responsable></formation>\n</offres></lheo>\n').encode("utf-8")

TOWNS = [("Douai", "59500", 50.3707, 3.0792), ("Lens", "62300", 50.4330, 2.8279), ("Lille", "59000", 50.6329, 3.0588),
         ("Arras", "62000", 50.2930, 2.7819), ("Valenciennes", "59300", 50.3591, 3.5251),
         ("Quimperlé", "29300", 47.8722, -3.5499), ("Rennes", "35000", 48.1113, -1.6800),
         ("Lyon", "69001", 45.7640, 4.8357), ("Nantes", "44000", 47.2184, -1.5536),
         ("Dunkerque", "59140", 51.0343, 2.3768), ("Béthune", "62400", 50.5303, 2.6408),
         ("Maubeuge", "59600", 50.2775, 3.9734)]
TOPICS = [("Habilitation électrique B1VL", "I1309", "24054"), ("Soudage TIG procédé 141", "H2913", "23062"),
          ("Maintenance industrielle", "I1304", "31668"), ("Automatismes industriels", "I1302", "31812"),
          ("IRVE niveau 2", "F1602", "24049"), ("Conduite de ligne automatisée", "H2102", "31812"),
          ("Batteries lithium-ion de traction", "H2603", "24049"), ("Lean management", "H1402", "32047")]
DURATIONS = [("nombre-heures-total", "21"), ("nombre-heures-total", "35"), ("duree-indicative", "3 jours"),
             ("duree-indicative", "2 semaines"), ("duree-indicative", "1 an"), ("centre+entreprise", "140/70")]


def _action(rng: random.Random, f: int, a: int) -> str:
    town, postcode, lat, lon = rng.choice(TOWNS)
    geo = (f"<geolocalisation><latitude>{lat:.4f}</latitude><longitude>{lon:.4f}</longitude></geolocalisation>"
           if rng.random() < 0.5 else "")
    kind, value = rng.choice(DURATIONS)
    if kind == "centre+entreprise":
        centre, company = value.split("/")
        duration = f"<nombre-heures-centre>{centre}</nombre-heures-centre><nombre-heures-entreprise>{company}" \
                   "</nombre-heures-entreprise>"
    else:
        duration = f"<{kind}>{value}</{kind}>"
    price = rng.choice(["<prix-total-TTC>1\u00a0150,00\u00a0€</prix-total-TTC>", "<prix-horaire-TTC>18,50</prix-horaire-TTC>",
                        "<prix-total-TTC>690.00</prix-total-TTC>", ""])
    sessions = "".join(
        f"<session numero=\"S{k}\"><periode><debut>2027{m:02d}01</debut><fin>2027{m:02d}2{k}</fin></periode>"
        f"<adresse-inscription><adresse><codepostal>{postcode}</codepostal><ville>{town}</ville></adresse>"
        f"</adresse-inscription><extras><extra info=\"nombre-places\">{rng.randint(4, 16)}</extra></extras></session>"
        for k, m in ((1, rng.randint(1, 6)), (2, rng.randint(7, 12))))
    return (f"<action numero=\"AC-{f}-{a}\"><rythme-formation>Temps plein</rythme-formation>"
            "<code-public-vise>80056</code-public-vise><niveau-entree-obligatoire>0</niveau-entree-obligatoire>"
            "<modalites-alternance>Sans objet</modalites-alternance><modalites-enseignement>0</modalites-enseignement>"
            "<conditions-specifiques>Avis médical d'aptitude.</conditions-specifiques>"
            "<prise-en-charge-frais-possible>1</prise-en-charge-frais-possible>"
            f"<lieu-de-formation><coordonnees><nom>Centre {f}</nom><adresse><ligne>{a} rue de l'Exemple</ligne>"
            f"<codepostal>{postcode}</codepostal><ville>{town}</ville>{geo}</adresse></coordonnees></lieu-de-formation>"
            f"<modalites-entrees-sorties>0</modalites-entrees-sorties>{sessions}<langue-formation>fr</langue-formation>"
            f"{price}{duration}</action>")


def synthetic_feed(actions: int = 10_000, seed: int = 11) -> bytes:
    """An LHEO 2.3 feed of ``actions`` actions (two per formation; one more formation if odd)."""
    rng = random.Random(seed)
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<lheo xmlns="http://lheo.gouv.fr/2.3"><offres>']
    for f in range((actions + 1) // 2):
        title, rome, formacode = rng.choice(TOPICS)
        objective = escape(f"<p>Objectif de l'offre {f} : {title.lower()}, en sécurité.</p>"
                           "<ul><li>appliquer les règles de sécurité</li><li>réaliser les opérations courantes</li></ul>")
        content = escape("<p>Théorie, travaux pratiques, évaluation.</p><p>Prérequis : avis médical.</p>")
        register = f"<certification><code-RNCP>{40000 + f}</code-RNCP></certification>" if f % 3 == 0 else ""
        n = 2 if 2 * f + 1 < actions else 1
        parts.append(
            f"<formation numero=\"OF-{f}\"><domaine-formation><code-FORMACODE>{formacode}</code-FORMACODE>"
            f"<code-ROME>{rome}</code-ROME></domaine-formation><intitule-formation>{title} (session {f})"
            f"</intitule-formation><objectif-formation>{objective}</objectif-formation>"
            "<resultats-attendus>Attestation de fin de formation.</resultats-attendus>"
            f"<contenu-formation>{content}</contenu-formation><certifiante>{1 if register else 0}</certifiante>"
            "<contact-formation><coordonnees><nom>Accueil</nom></coordonnees></contact-formation>"
            "<parcours-de-formation>1</parcours-de-formation><code-niveau-entree>0</code-niveau-entree>"
            f"{register}{''.join(_action(rng, f, a) for a in range(n))}"
            f"<organisme-formation-responsable><raison-sociale>Organisme {f % 400} (exemple)</raison-sociale>"
            "</organisme-formation-responsable></formation>")
    parts.append("</offres></lheo>\n")
    return "".join(parts).encode("utf-8")
