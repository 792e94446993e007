"""The CSS and JavaScript in `ui/static/`, read once per process and wrapped for the page."""

from __future__ import annotations

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
    """`ui/static/<name>` (a .js file) as a <script> element."""
    return f"<script>\n{_read(name)}</script>\n"
