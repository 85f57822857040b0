"""Addresses of this service's pages as people outside it open them: from OOCD_PUBLIC_URL when
it is set (behind a proxy, and in what is printed or emailed), else from the request."""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for


def external_url(endpoint: str, **values: Any) -> str:
    public_url = current_app.config.get("PUBLIC_URL")
    if public_url:
        return str(public_url).rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)
