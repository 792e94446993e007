"""Serving the dashboard: Streamlit replicas behind HAProxy, supervised by `python -m serve`."""
