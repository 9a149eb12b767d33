"""French départements: the code a postcode starts with, the region it belongs to, its prefecture.

Used offline to tell whether a postcode can belong to a city (see :func:`curriculum.geo.postcode_mismatch`).
Region codes are the INSEE codes of the 2016 regions, which GeoNames uses as ``admin1code`` for France
(so they can be compared with the shipped places, built from GeoNames: ``curriculum/data/places_fr.csv.gz``);
the five overseas départements (DOM), which GeoNames files as countries of their own, have the codes
``01``–``06`` here and in the shipped places.
"""

from __future__ import annotations

import re
from typing import NamedTuple

REGIONS: dict[str, str] = {
    "11": "Île-de-France", "24": "Centre-Val de Loire", "27": "Bourgogne-Franche-Comté", "28": "Normandie",
    "32": "Hauts-de-France", "44": "Grand Est", "52": "Pays de la Loire", "53": "Bretagne",
    "75": "Nouvelle-Aquitaine", "76": "Occitanie", "84": "Auvergne-Rhône-Alpes",
    "93": "Provence-Alpes-Côte d'Azur", "94": "Corse",
    "01": "Guadeloupe", "02": "Martinique", "03": "Guyane", "04": "La Réunion", "06": "Mayotte",
}
"""Region code (INSEE, = GeoNames admin1 for metropolitan France) → name."""


class Departement(NamedTuple):
    """A département: ``code`` (``59``, ``2A``, ``974``), ``name``, ``region`` code, ``prefecture`` name."""

    code: str
    name: str
    region: str
    prefecture: str


# "code name region prefecture" items separated by "|"; "_" stands for a space
_TABLE = """
01 Ain 84 Bourg-en-Bresse|02 Aisne 32 Laon|03 Allier 84 Moulins|04 Alpes-de-Haute-Provence 93 Digne-les-Bains
05 Hautes-Alpes 93 Gap|06 Alpes-Maritimes 93 Nice|07 Ardèche 84 Privas|08 Ardennes 44 Charleville-Mézières
09 Ariège 76 Foix|10 Aube 44 Troyes|11 Aude 76 Carcassonne|12 Aveyron 76 Rodez|13 Bouches-du-Rhône 93 Marseille
14 Calvados 28 Caen|15 Cantal 84 Aurillac|16 Charente 75 Angoulême|17 Charente-Maritime 75 La_Rochelle
18 Cher 24 Bourges|19 Corrèze 75 Tulle|2A Corse-du-Sud 94 Ajaccio|2B Haute-Corse 94 Bastia|21 Côte-d'Or 27 Dijon
22 Côtes-d'Armor 53 Saint-Brieuc|23 Creuse 75 Guéret|24 Dordogne 75 Périgueux|25 Doubs 27 Besançon
26 Drôme 84 Valence|27 Eure 28 Évreux|28 Eure-et-Loir 24 Chartres|29 Finistère 53 Quimper|30 Gard 76 Nîmes
31 Haute-Garonne 76 Toulouse|32 Gers 76 Auch|33 Gironde 75 Bordeaux|34 Hérault 76 Montpellier
35 Ille-et-Vilaine 53 Rennes|36 Indre 24 Châteauroux|37 Indre-et-Loire 24 Tours|38 Isère 84 Grenoble
39 Jura 27 Lons-le-Saunier|40 Landes 75 Mont-de-Marsan|41 Loir-et-Cher 24 Blois|42 Loire 84 Saint-Étienne
43 Haute-Loire 84 Le_Puy-en-Velay|44 Loire-Atlantique 52 Nantes|45 Loiret 24 Orléans|46 Lot 76 Cahors
47 Lot-et-Garonne 75 Agen|48 Lozère 76 Mende|49 Maine-et-Loire 52 Angers|50 Manche 28 Saint-Lô
51 Marne 44 Châlons-en-Champagne|52 Haute-Marne 44 Chaumont|53 Mayenne 52 Laval|54 Meurthe-et-Moselle 44 Nancy
55 Meuse 44 Bar-le-Duc|56 Morbihan 53 Vannes|57 Moselle 44 Metz|58 Nièvre 27 Nevers|59 Nord 32 Lille
60 Oise 32 Beauvais|61 Orne 28 Alençon|62 Pas-de-Calais 32 Arras|63 Puy-de-Dôme 84 Clermont-Ferrand
64 Pyrénées-Atlantiques 75 Pau|65 Hautes-Pyrénées 76 Tarbes|66 Pyrénées-Orientales 76 Perpignan
67 Bas-Rhin 44 Strasbourg|68 Haut-Rhin 44 Colmar|69 Rhône 84 Lyon|70 Haute-Saône 27 Vesoul
71 Saône-et-Loire 27 Mâcon|72 Sarthe 52 Le_Mans|73 Savoie 84 Chambéry|74 Haute-Savoie 84 Annecy
75 Paris 11 Paris|76 Seine-Maritime 28 Rouen|77 Seine-et-Marne 11 Melun|78 Yvelines 11 Versailles
79 Deux-Sèvres 75 Niort|80 Somme 32 Amiens|81 Tarn 76 Albi|82 Tarn-et-Garonne 76 Montauban|83 Var 93 Toulon
84 Vaucluse 93 Avignon|85 Vendée 52 La_Roche-sur-Yon|86 Vienne 75 Poitiers|87 Haute-Vienne 75 Limoges
88 Vosges 44 Épinal|89 Yonne 27 Auxerre|90 Territoire_de_Belfort 27 Belfort|91 Essonne 11 Évry
92 Hauts-de-Seine 11 Nanterre|93 Seine-Saint-Denis 11 Bobigny|94 Val-de-Marne 11 Créteil|95 Val-d'Oise 11 Cergy
971 Guadeloupe 01 Basse-Terre|972 Martinique 02 Fort-de-France|973 Guyane 03 Cayenne|974 La_Réunion 04 Saint-Denis
976 Mayotte 06 Mamoudzou
"""

DEPARTEMENTS: dict[str, Departement] = {}
for _item in _TABLE.replace("\n", "|").split("|"):
    if _item.strip():
        _code, _name, _region, _pref = _item.split()
        DEPARTEMENTS[_code] = Departement(_code, _name.replace("_", " "), _region, _pref.replace("_", " "))

OVERSEAS = frozenset({"971", "972", "973", "974", "976"})
"""The five overseas départements (DOM), postcodes 971xx–976xx (975 is Saint-Pierre-et-Miquelon, a COM)."""

POSTCODE_RE = re.compile(r"\d{5}")
"""A French postcode: exactly five digits (Corsica's are 20xxx, not 2A/2B)."""


def departement_of(postcode: str) -> Departement | None:
    """The département a French postcode belongs to, or None (``00xxx``, ``96xxx``, ``975xx``, ``98xxx``…).

    Rules: the first two digits, except ``20xxx`` (Corsica: ``2A`` below 20200, ``2B`` from 20200) and
    ``97xxx`` (the first three digits). ``postcode`` must be five digits (see :data:`POSTCODE_RE`).
    """
    if not POSTCODE_RE.fullmatch(postcode):
        return None
    if postcode.startswith("97"):
        return DEPARTEMENTS.get(postcode[:3])
    if postcode.startswith("20"):
        return DEPARTEMENTS["2A" if int(postcode[2:]) < 200 else "2B"]
    return DEPARTEMENTS.get(postcode[:2])
