"""Utfordringsbilde: the challenge picture for a kommune's prevention plan, as data.

This package is the pure-Python core (config, warehouse, queries, statistics, narratives);
it never imports Streamlit.
"""

__version__ = "0.1.0"
