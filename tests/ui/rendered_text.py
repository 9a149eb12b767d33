"""The text a user sees on a page rendered by Streamlit's AppTest, element by element.

Walks the whole element tree (main area and sidebar) and reads what the browser shows: labels, bodies,
help texts, placeholders and options of every element; the column labels and cells of every table (Arrow
data; a column's configured label replaces its data name); the titles, legend values and data of every
chart (Vega-Lite spec titles and the values of its Arrow datasets, whose field names are not shown).
Internal fields (ids, keys, icons, URLs, MIME types, formats) are left out, and so are a text area's
contents (what the user typed).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pandas as pd
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

TEXT_FIELDS = {"label", "body", "help", "placeholder", "options", "raw_value"}


def _nodes(node: object) -> Iterator[object]:
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _nodes(child)


def _frame_texts(data: bytes, columns_json: str = "", *, headers: bool = True) -> list[str]:
    """Cells of an Arrow table, and (``headers``) its column labels: the configured label, else the name."""
    frame = convert_arrow_bytes_to_pandas_df(data)
    labels = {}
    if columns_json:
        for name, config in json.loads(columns_json).items():
            if isinstance(config, dict) and config.get("label"):
                labels[name] = config["label"]
            if isinstance(config, dict) and config.get("help"):
                labels[f"{name} help"] = config["help"]
    out = [str(labels.get(str(c), c)) for c in frame.columns] if headers else []
    out += [v for k, v in labels.items() if k.endswith(" help")]
    for column in frame.columns:
        out += [str(v) for v in frame[column].tolist() if v is not None and not (isinstance(v, float) and pd.isna(v))]
    return out


def _spec_texts(spec: object) -> list[str]:
    """Titles (axes, legends, charts) of a Vega-Lite spec."""
    out: list[str] = []
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key == "title" and isinstance(value, str):
                out.append(value)
            else:
                out += _spec_texts(value)
    elif isinstance(spec, list):
        for item in spec:
            out += _spec_texts(item)
    return out


def element_texts(at: AppTest) -> list[str]:
    """Every user-visible string of the rendered page (see the module docstring)."""
    out: list[str] = []
    for node in _nodes(at._tree):
        proto = getattr(node, "proto", None)
        if proto is None:
            continue
        kind = type(proto).__name__
        for field, value in proto.ListFields():
            if kind == "Dataframe" and field.name == "arrow_data":
                out += _frame_texts(value.data, proto.columns)
            elif kind == "VegaLiteChart" and field.name == "spec":
                out += _spec_texts(json.loads(value))
            elif kind == "VegaLiteChart" and field.name == "datasets":
                for dataset in value:
                    out += _frame_texts(dataset.data.data, headers=False)  # field names: not shown
            elif field.name in TEXT_FIELDS:
                out += [str(v) for v in value] if field.is_repeated else [str(value)]
    return [s for s in out if s]


def page_text(at: AppTest) -> str:
    """:func:`element_texts` joined by new lines."""
    return "\n".join(element_texts(at))
