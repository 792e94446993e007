"""Who may import and write notes: Streamlit's OIDC sign-in, when `[auth]` is configured."""

from __future__ import annotations

from typing import NamedTuple

import streamlit as st


def auth_configured() -> bool:
    """True when .streamlit/secrets.toml has an [auth] section; never raises."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file, or an unreadable one: sign-in is simply off
        return False


class Identity(NamedTuple):
    """A signed-in person: `id` (e-mail, or name) says who it is, `name` is what others see."""

    id: str
    name: str


def signed_in_identity() -> Identity | None:
    """The signed-in person from st.user, or None when nobody is signed in or auth is off."""
    user = signed_in_user()
    if user is None:
        return None
    try:
        name = str(st.user.get("name") or "")
    except Exception:  # st.user unreadable after all
        name = ""
    # Without a name claim, the e-mail's local part: the whole address is not for the public.
    return Identity(id=user, name=name or user.split("@", 1)[0])


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
