"""The CSS and JavaScript in `ui/static/`, read once per process and wrapped for the page."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

STATIC = Path(__file__).resolve().parent / "static"


@cache
def _read(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


def style(name: str) -> str:
    """`ui/static/<name>` (a .css file) as a <style> element."""
    return f"<style>\n{_read(name)}</style>\n"


def script(name: str) -> str:
    """`ui/static/<name>` (a .js file) as a <script> element, for st.html with JavaScript on.

    st.html sanitises its body as HTML even inside the script, and drops the whole script when
    it meets something like a tag there (`<key>`, even in a comment); such a file is refused.
    """
    code = _read(name)
    if re.search(r"<[A-Za-z/!]", code):
        raise ValueError(f"ui/static/{name}: st.html would drop a script that contains '<'")
    return f"<script>\n{code}</script>\n"
