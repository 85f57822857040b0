"""Settings from environment variables.

`OOCD_ENV` is `production` unless set: production refuses to start without a `SECRET_KEY` and
serves cookies marked Secure. `make run` sets `OOCD_ENV=development`.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

PROJECT_ROOT = Path(__file__).resolve().parents[2]
INSTANCE_DIR = PROJECT_ROOT / "instance"


def default_database_url() -> str:
    return f"sqlite:///{INSTANCE_DIR / 'oocd_panel.sqlite3'}"


def default_audit_checkpoint(database_url: str) -> str | None:
    """Where the audit trail's checkpoint is kept unless AUDIT_CHECKPOINT says: beside a SQLite
    database file (named after it), in the instance folder for a server database (named after
    it, with a digest of its address, so two databases never share one); none in memory."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:" or "mode=memory" in str(url):
            return None
        database = Path(url.database).resolve()
        return str(database.with_name(database.name + ".audit-checkpoint"))
    address = url.render_as_string(hide_password=True).encode()
    digest = hashlib.sha256(address).hexdigest()[:12]
    return str(INSTANCE_DIR / f"{url.database or 'database'}-{digest}.audit-checkpoint")


def normalise_database_url(url: str) -> str:
    """Accept the common `postgres://` and `postgresql://` forms and use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _development_secret_key() -> str:
    """A random key kept in instance/ so development sessions survive a restart."""
    INSTANCE_DIR.mkdir(exist_ok=True)
    key_file = INSTANCE_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _flag(value: str | None, default: bool) -> bool:
    if value is None or not value.strip():
        return default
    return value.strip().lower() not in {"0", "false", "no", "off"}


def _mail_settings(env: Mapping[str, str]) -> dict[str, Any]:
    port = (env.get("SMTP_PORT") or "").strip()
    if port and not (port.isascii() and port.isdecimal()):
        raise RuntimeError("SMTP_PORT must be a port number, like 587")
    return {
        "SMTP_HOST": env.get("SMTP_HOST") or None,
        "SMTP_PORT": int(port) if port else 587,
        "SMTP_USERNAME": env.get("SMTP_USERNAME") or None,
        "SMTP_PASSWORD": env.get("SMTP_PASSWORD") or None,
        "SMTP_FROM": env.get("SMTP_FROM") or None,
        "SMTP_STARTTLS": _flag(env.get("SMTP_STARTTLS"), default=True),
    }


def _trusted_proxies(env: Mapping[str, str]) -> int:
    """How many proxies in front of the workers add to X-Forwarded-For (0: none is trusted, so
    the header is ignored and each request's address is the connection's)."""
    value = (env.get("OOCD_TRUSTED_PROXIES") or "").strip()
    if not value:
        return 0
    if not (value.isascii() and value.isdecimal()):
        raise RuntimeError(
            "OOCD_TRUSTED_PROXIES must be the number of proxies in front of the app, like 1"
        )
    return int(value)


def _calls_per_minute(env: Mapping[str, str]) -> int:
    value = (env.get("OOCD_API_CALLS_PER_MINUTE") or "").strip()
    if not value:
        return 120
    if not (value.isascii() and value.isdecimal()) or int(value) < 1:
        raise RuntimeError("OOCD_API_CALLS_PER_MINUTE must be a whole number of calls, like 120")
    return int(value)


def load_config(
    environ: Mapping[str, str] | None = None, overrides: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Settings from `environ` (default: the process environment), then `overrides` on top."""
    env = os.environ if environ is None else environ
    overrides = overrides or {}
    mode = overrides.get("ENV_MODE") or env.get("OOCD_ENV", "production")
    if mode not in {"production", "development"}:
        raise RuntimeError("OOCD_ENV must be 'production' or 'development'")
    secret_key = overrides.get("SECRET_KEY") or env.get("SECRET_KEY")
    if not secret_key:
        if mode == "production":
            raise RuntimeError(
                "SECRET_KEY is not set. Set it to a long random value (for example the output of "
                "`python -c 'import secrets; print(secrets.token_hex(32))'`)."
            )
        secret_key = _development_secret_key()
    # The audit trail's HMAC key: its own setting, so it can be kept apart from the session key.
    audit_key = overrides.get("AUDIT_KEY") or env.get("AUDIT_KEY") or f"audit:{secret_key}"
    # The key of the analytics extract's pseudonyms: the same key, the same pseudonym per child.
    pseudonym_key = (
        overrides.get("PSEUDONYM_KEY") or env.get("PSEUDONYM_KEY") or f"pseudonym:{secret_key}"
    )
    # Encrypts two-factor secrets and identity providers' client secrets at rest (each kind
    # under its own derived key). Several keys, comma-separated, rotate it: the first encrypts,
    # any of them decrypts.
    totp_key = overrides.get("TOTP_KEY") or env.get("TOTP_KEY") or f"totp:{secret_key}"
    # Signs the audit trail's checkpoint (its head, kept outside the database).
    checkpoint_key = (
        overrides.get("AUDIT_CHECKPOINT_KEY")
        or env.get("AUDIT_CHECKPOINT_KEY")
        or f"audit-checkpoint:{secret_key}"
    )
    settings: dict[str, Any] = {
        "ENV_MODE": mode,
        "SECRET_KEY": secret_key,
        "AUDIT_KEY": audit_key,
        "PSEUDONYM_KEY": pseudonym_key,
        "TOTP_KEY": totp_key,
        "AUDIT_CHECKPOINT_KEY": checkpoint_key,
        "DATABASE_URL": normalise_database_url(env.get("DATABASE_URL") or default_database_url()),
        # A read replica for the evaluation reports (and the panel pack's briefing): optional.
        "REPORTS_DATABASE_URL": env.get("REPORTS_DATABASE_URL") or None,
        # Nothing the product takes is a file: a request body over 1 MB is refused (413) before
        # it is read, and a form's text fields together over 500 KB too (Flask's own limit).
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        "SESSION_COOKIE_SECURE": mode == "production",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": mode == "production",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "SERVICE_NAME": env.get("OOCD_SERVICE_NAME", "Out-of-court disposal panel"),
        # The address people open the service at (https://panel.example.org): the start of
        # links in emails (set-up links) and, behind a proxy, of identity providers' redirect
        # URIs. Unset: each request's own address.
        "PUBLIC_URL": (env.get("OOCD_PUBLIC_URL") or "").rstrip("/") or None,
        # Behind a proxy (or several), each request's address is the one the last of them puts
        # in X-Forwarded-For: throttling sign-ins and the audit trail's origin depend on it.
        "TRUSTED_PROXIES": _trusted_proxies(env),
        # Mail (set-up links): off unless SMTP_HOST and SMTP_FROM are set.
        **_mail_settings(env),
        "CASES_PER_PAGE": 25,
        # Each police system's API client may make this many calls a minute (in bursts of as
        # many), then is answered 429 with Retry-After.
        "API_CALLS_PER_MINUTE": _calls_per_minute(env),
        # Sessions end after this long idle, and this long after sign-in, whatever happens.
        "SESSION_IDLE_MINUTES": 30,
        "SESSION_ABSOLUTE_HOURS": 12,
    }
    settings.update(overrides)
    settings["DATABASE_URL"] = normalise_database_url(str(settings["DATABASE_URL"]))
    # The audit checkpoint's file: AUDIT_CHECKPOINT, else beside the database (None: off).
    if "AUDIT_CHECKPOINT" not in overrides:
        settings["AUDIT_CHECKPOINT"] = env.get("AUDIT_CHECKPOINT") or default_audit_checkpoint(
            settings["DATABASE_URL"]
        )
    if settings["REPORTS_DATABASE_URL"]:
        settings["REPORTS_DATABASE_URL"] = normalise_database_url(
            str(settings["REPORTS_DATABASE_URL"])
        )
    return settings
