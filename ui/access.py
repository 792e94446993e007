"""Who may import: Streamlit's built-in OIDC sign-in, when `[auth]` is configured in secrets."""

from __future__ import annotations

import streamlit as st


def auth_configured() -> bool:
    """True when .streamlit/secrets.toml has an [auth] section; never raises."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file, or an unreadable one: sign-in is simply off
        return False


def signed_in_user() -> str | None:
    """The signed-in user's email (or name), or None when nobody is signed in or auth is off."""
    if not auth_configured():
        return None
    try:
        if not st.user.is_logged_in:
            return None
        return str(st.user.get("email") or st.user.get("name") or "signed-in user")
    except Exception:  # auth misconfigured: treat as not signed in rather than break the page
        return None
