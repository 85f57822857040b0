from __future__ import annotations

import pytest

from oocd_panel.plumbing.config import load_config, normalise_database_url


def test_production_refuses_to_start_without_a_secret_key() -> None:
    with pytest.raises(RuntimeError, match="SECRET_KEY is not set"):
        load_config({})
    config = load_config({"SECRET_KEY": "k" * 32, "DATABASE_URL": "postgres://u@db/oocd"})
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["DATABASE_URL"] == "postgresql+psycopg://u@db/oocd"


def test_development_is_explicit_and_not_secure_cookies() -> None:
    config = load_config({"OOCD_ENV": "development", "SECRET_KEY": "dev"})
    assert config["SESSION_COOKIE_SECURE"] is False
    assert config["DATABASE_URL"].startswith("sqlite:///")
    with pytest.raises(RuntimeError):
        load_config({"OOCD_ENV": "staging", "SECRET_KEY": "x"})


def test_database_urls_use_psycopg_3() -> None:
    assert normalise_database_url("postgresql://a/b") == "postgresql+psycopg://a/b"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"
