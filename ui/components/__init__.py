"""Reusable Streamlit renderers (presentation only; no planning logic)."""
