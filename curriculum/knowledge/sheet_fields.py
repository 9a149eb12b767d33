"""The fields a spreadsheet catalogue may hold (:mod:`curriculum.knowledge.spreadsheets`), importable
without the readers (the CLI's help lists them)."""

SHEET_FIELDS: dict[str, tuple[str, ...]] = {
    "id": ("id", "code", "reference", "ref", "code formation", "code module", "n"),
    "title": ("title", "intitule", "titre", "formation", "libelle", "nom de la formation", "intitule de la formation"),
    "summary": ("summary", "resume", "description"),
    "objectives": ("objectives", "objectifs", "objectif", "objectifs pedagogiques"),
    "content": ("content", "contenu", "programme"),
    "domain": ("domain", "domaine", "famille", "filiere"),
    "language": ("language", "langue"),
    "duration": ("duration", "duration hours", "hours", "duree", "duree h", "duree heures", "heures", "nb heures",
                 "nombre d heures", "volume horaire"),
    "price": ("price", "cost", "cost eur", "prix", "prix ht", "prix eur", "cout", "cout ht", "tarif", "tarif ht"),
    "modality": ("modality", "modalite", "modalites", "mode", "format", "modalite pedagogique"),
    "provider": ("provider", "organisme", "organisme de formation", "prestataire", "centre", "centre de formation"),
    "city": ("city", "ville", "lieu", "commune", "site"),
    "postcode": ("postcode", "code postal", "cp"),
    "lat": ("lat", "latitude"),
    "lon": ("lon", "lng", "longitude"),
    "session_start": ("session start", "start", "debut", "date debut", "date de debut", "du"),
    "session_end": ("session end", "end", "fin", "date fin", "date de fin", "au"),
    "seats": ("seats", "places", "nb places", "nombre de places", "capacite", "places disponibles"),
    "skills": ("skills", "outcomes", "competences", "competences visees", "competences esco"),
    "certification": ("certification", "habilitation", "certificat", "certification visee"),
    "rncp": ("rncp", "code rncp"),
    "rs": ("rs", "code rs"),
    "rome": ("rome", "code rome", "codes rome"),
    "prerequisites": ("prerequisites", "prerequis", "conditions d acces", "pre requis"),
}
"""Module fields a spreadsheet may hold → the usual headers (normalised: lower case, no accents)."""
