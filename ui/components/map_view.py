"""The places of a learning path on a map that needs no network: an Altair (Vega-Lite) chart of points on
longitude / latitude (Mercator), over the shipped commune centroids as a light grey background.

No tile server is involved (``st.map`` / pydeck base maps load tiles from the network). Presentation only:
the learner's home is ``path.learner_location``; a step's place is the module's ``Place`` named by
``step.place`` (coordinates from the catalogue). Units: WGS84 degrees, km.
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd
import streamlit as st

from curriculum import i18n
from curriculum.geo import commune_centres
from curriculum.knowledge.catalogue import Catalogue
from curriculum.models import LearningPath
from ui.i18n import lang, t

MARGIN_DEG = 0.2  # around the points, at least
ASPECT = 1.8  # width / height of the map's box
MAX_BACKGROUND = 6000  # background dots kept at most (every k-th commune beyond that)
HOME_COLOUR, PLACE_COLOUR, BACKGROUND_COLOUR = "#d62728", "#1f77b4", "#c8c8c8"


def place_points(path: LearningPath, catalogue: Catalogue) -> list[dict]:
    """The learner's home then one row per distinct place of the steps: ``kind`` (``home`` / ``place``),
    ``name`` (city), ``lat``, ``lon``, ``steps`` (step numbers, ``"1, 3"``), ``km`` (distance from home,
    None for home). Steps without a place (online) or whose place has no coordinates are left out."""
    loc = path.learner_location or {}
    rows: list[dict] = []
    if loc.get("lat") is not None and loc.get("lon") is not None:
        rows.append({"kind": "home", "name": loc.get("city") or "", "lat": loc["lat"], "lon": loc["lon"],
                     "steps": "", "km": None})
    by_city: dict[str, dict] = {}
    for k, step in enumerate(path.steps, 1):
        module = catalogue.modules.get(step.module_id)
        if not step.place or module is None:
            continue
        place = next((p for p in module.places if p.city == step.place), None)
        if place is None:
            continue
        row = by_city.setdefault(step.place, {"kind": "place", "name": step.place, "lat": place.lat,
                                              "lon": place.lon, "steps": [], "km": step.distance_km})
        row["steps"].append(str(k))
    for row in by_city.values():
        rows.append({**row, "steps": ", ".join(row["steps"])})
    return rows


def box(points: list[dict]) -> tuple[float, float, float, float]:
    """(south, west, north, east) around the points: their box widened by :data:`MARGIN_DEG` (or a fifth of
    its size), then east-west to about :data:`ASPECT` times as wide as high on the map (Mercator: a degree of
    longitude is ``cos(latitude)`` of a degree of latitude)."""
    lats, lons = [p["lat"] for p in points], [p["lon"] for p in points]
    pad = max(MARGIN_DEG, (max(lats) - min(lats)) / 5, (max(lons) - min(lons)) / 5)
    south, north, west, east = min(lats) - pad, max(lats) + pad, min(lons) - pad, max(lons) + pad
    wide = ASPECT * (north - south) / math.cos(math.radians((north + south) / 2))
    if east - west < wide:
        middle = (east + west) / 2
        west, east = middle - wide / 2, middle + wide / 2
    return south, west, north, east


def background(points: list[dict]) -> pd.DataFrame:
    """Commune centroids (``lat``, ``lon``) in :func:`box`, thinned to at most :data:`MAX_BACKGROUND` rows."""
    south, west, north, east = box(points)
    dots = commune_centres(south, west, north, east)
    step = max(1, -(-len(dots) // MAX_BACKGROUND))
    return pd.DataFrame(dots[::step], columns=["lat", "lon"])


def map_chart(points: list[dict]) -> alt.LayerChart:
    """The layered chart: background dots, dashed lines from home to each place, the points and their names."""
    language = lang()
    df = pd.DataFrame(points)
    df["what"] = [t("home") if k == "home" else t("training_place") for k in df["kind"]]
    df["distance"] = [i18n.km(v, language) if v is not None and pd.notna(v) else "" for v in df["km"]]
    df["label"] = [f"{n} ({s})" if k == "place" else n for k, n, s in zip(df["kind"], df["name"], df["steps"])]
    base_lat, base_lon = alt.Latitude("lat:Q"), alt.Longitude("lon:Q")
    dots = alt.Chart(background(points)).mark_circle(size=9, color=BACKGROUND_COLOUR, opacity=0.8).encode(
        latitude=base_lat, longitude=base_lon)
    layers: list[alt.Chart] = [dots]
    home = df[df["kind"] == "home"]
    places = df[df["kind"] == "place"]
    if not home.empty and not places.empty:
        links = places.assign(lat0=float(home.iloc[0]["lat"]), lon0=float(home.iloc[0]["lon"]))
        layers.append(alt.Chart(links).mark_rule(strokeDash=[4, 3], color="#888888", opacity=0.8).encode(
            latitude="lat0:Q", longitude="lon0:Q", latitude2="lat:Q", longitude2="lon:Q"))
    colour = alt.Color("what:N", title=None,
                       scale=alt.Scale(domain=[t("home"), t("training_place")], range=[HOME_COLOUR, PLACE_COLOUR]),
                       legend=alt.Legend(orient="bottom"))
    tooltip = [alt.Tooltip("name:N", title=t("col_place")), alt.Tooltip("steps:N", title=t("h_steps")),
               alt.Tooltip("distance:N", title=t("col_distance"))]
    layers.append(alt.Chart(df[df["kind"] == "place"]).mark_circle(size=150, opacity=0.95, stroke="white",
                                                                  strokeWidth=1.5).encode(
        latitude=base_lat, longitude=base_lon, color=colour, tooltip=tooltip))
    # home last, as a thick ring: seen even on a training place in the home town
    layers.append(alt.Chart(df[df["kind"] == "home"]).mark_point(size=330, filled=False, strokeWidth=3,
                                                                 opacity=1).encode(
        latitude=base_lat, longitude=base_lon, color=colour, tooltip=tooltip))
    for part, dy in ((df[df["kind"] == "place"], -13), (df[df["kind"] == "home"], 16)):  # home below its dot
        if not part.empty:
            layers.append(alt.Chart(part).mark_text(dy=dy, fontSize=12, fontWeight="bold").encode(
                latitude=base_lat, longitude=base_lon, text="label:N"))
    return alt.layer(*layers).project(type="mercator").properties(height=340)


def render_map(path: LearningPath, catalogue: Catalogue) -> None:
    """The map of the path's places (or a caption when every step is online)."""
    points = place_points(path, catalogue)
    if not any(p["kind"] == "place" for p in points):
        st.caption(t("map_online"))
        return
    st.altair_chart(map_chart(points))
    st.caption(t("map_caption"))
