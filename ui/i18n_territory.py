"""The words of the territory page (``ui/pages/territory.py``, :mod:`ui.components.territory_view`) in French
and English.

Merged into :data:`ui.i18n.TEXT` (read them with :func:`ui.i18n.t`); kept apart so that ``ui/i18n.py`` stays
short. Every key exists in both languages (``tests/ui/test_learner_language.py`` checks ``TEXT``).
"""

from __future__ import annotations

TERRITORY_TEXT: dict[str, dict[str, str]] = {
    "fr": {
        "nav_territory": "Territoire",
        "terr_title": "Besoins de recrutement et formations accessibles, bassin par bassin",
        "terr_intro": "Les projets de recrutement de l'enquête BMO de France Travail, par bassin d'emploi et "
                      "métier du catalogue, face aux formations qu'une personne du bassin peut suivre dans le "
                      "rayon choisi autour de son centre.",
        "terr_region": "Région", "terr_radius": "Rayon autour du centre du bassin (km)",
        "terr_as_of": "Séances à partir du",
        "terr_h_map": "Carte des bassins",
        "terr_map_caption": "Chaque disque est le centre d'un bassin d'emploi (moyenne de ses communes) ; sa taille "
                            "suit les projets jugés difficiles, sa couleur ceux que les places accessibles ne "
                            "couvrent pas. Fond : centres des communes (carte sans connexion).",
        "terr_legend_unmet": "Projets difficiles non couverts", "terr_legend_difficult": "Projets difficiles",
        "terr_h_rank": "Classement des bassins",
        "terr_rank_caption": "Du plus grand nombre de projets difficiles au-delà des places de formation "
                             "accessibles au plus petit. « ≥ » : une partie du chiffre est couverte par le secret "
                             "statistique.",
        "col_rank": "Rang", "col_basin": "Bassin", "col_projects": "Projets", "col_difficult": "Difficiles",
        "col_seats": "Places accessibles", "col_unmet": "Non couverts", "col_top_job": "Métier le plus en manque",
        "col_job": "Métier", "col_fap": "FAP 2021", "col_sessions": "Séances", "col_on_demand": "Sur demande",
        "col_terr_hours": "Heures", "col_per_seat": "Difficiles par place", "col_terr_module": "Module",
        "col_where": "Lieu", "col_km": "Distance", "col_programme": "Au programme", "col_counted": "Compté",
        "col_terr_dates": "Séances accessibles",
        "terr_h_basin": "Détail d'un bassin", "terr_pick_basin": "Bassin",
        "terr_basin_summary": "{name} : {projects} projets de recrutement dans les familles des métiers du "
                              "catalogue, dont {difficult} jugés difficiles ; {unmet} au-delà des places "
                              "accessibles.",
        "terr_jobs_caption": "Séances et places : séances datées des formations du métier accessibles (une "
                             "personne prend une place dans chaque module du programme). Heures : programme type "
                             "depuis aucune compétence. « incomplet » : le métier ne peut pas être atteint dans le "
                             "rayon.",
        "terr_no_demand": "Aucun projet de recrutement de ce bassin ne concerne les métiers du catalogue.",
        "terr_withheld": "secret stat.", "terr_incomplete": "incomplet", "yes_short": "oui", "no_short": "non",
        "terr_h_untaught": "Enseigné par aucun module à moins de {km} km",
        "terr_cert": "certification {code}", "terr_level": "{label} (niveau {level})",
        "terr_h_modules": "Formations accessibles pour un métier", "terr_pick_job": "Métier",
        "terr_no_module": "Aucune formation de ce métier n'est accessible dans le rayon.",
        "terr_seats_n": "{n} places", "terr_online": "à distance", "terr_workplace": "en entreprise",
        "terr_warning": "Attention : {text}",
        "terr_error": "Impossible d'afficher le territoire : {error}",
    },
    "en": {
        "nav_territory": "Territory",
        "terr_title": "Recruitment needs against reachable training, basin by basin",
        "terr_intro": "Recruitment projects from France Travail's BMO survey, by employment basin and catalogue job, "
                      "against the training a person living in the basin can follow within the chosen radius of "
                      "its centre.",
        "terr_region": "Region", "terr_radius": "Radius around the basin's centre (km)",
        "terr_as_of": "Sessions from",
        "terr_h_map": "Map of the basins",
        "terr_map_caption": "Each disc is the centre of an employment basin (the mean of its communes); its size "
                            "follows the projects judged difficult, its colour those the reachable seats do not "
                            "cover. Background: commune centres (offline map).",
        "terr_legend_unmet": "Difficult projects not covered", "terr_legend_difficult": "Difficult projects",
        "terr_h_rank": "Basins ranked",
        "terr_rank_caption": "From the most difficult projects beyond the reachable training seats to the fewest. "
                             "\"≥\": part of the figure is withheld by statistical secrecy.",
        "col_rank": "Rank", "col_basin": "Basin", "col_projects": "Projects", "col_difficult": "Difficult",
        "col_seats": "Seats", "col_unmet": "Not covered", "col_top_job": "Job most short of training",
        "col_job": "Job", "col_fap": "FAP 2021", "col_sessions": "Sessions", "col_on_demand": "On demand",
        "col_terr_hours": "Hours", "col_per_seat": "Difficult per seat", "col_terr_module": "Module",
        "col_where": "Place", "col_km": "Distance", "col_programme": "In the programme", "col_counted": "Counted",
        "col_terr_dates": "Reachable sessions",
        "terr_h_basin": "One basin in detail", "terr_pick_basin": "Basin",
        "terr_basin_summary": "{name}: {projects} recruitment projects in the families of the catalogue's jobs, "
                              "{difficult} of them judged difficult; {unmet} beyond the reachable seats.",
        "terr_jobs_caption": "Sessions and seats: dated sessions of the job's training within reach (a person takes "
                             "a seat in each module of the programme). Hours: the standard programme from no skill. "
                             "\"incomplete\": the job cannot be reached within the radius.",
        "terr_no_demand": "None of this basin's recruitment projects concerns the catalogue's jobs.",
        "terr_withheld": "withheld", "terr_incomplete": "incomplete", "yes_short": "yes", "no_short": "no",
        "terr_h_untaught": "Taught by no module within {km} km",
        "terr_cert": "certification {code}", "terr_level": "{label} (level {level})",
        "terr_h_modules": "Reachable training for one job", "terr_pick_job": "Job",
        "terr_no_module": "No training for this job is reachable within the radius.",
        "terr_seats_n": "{n} seats", "terr_online": "online", "terr_workplace": "at work",
        "terr_warning": "Warning: {text}",
        "terr_error": "The territory cannot be shown: {error}",
    },
}
