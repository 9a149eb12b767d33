"""Streamlit front end of ``curriculum`` (run with ``streamlit run ui/app.py``)."""
