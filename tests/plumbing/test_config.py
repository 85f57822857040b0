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


def test_mail_settings_come_from_the_environment() -> None:
    env = {
        "OOCD_ENV": "development",
        "SMTP_HOST": "smtp.northbrook.example",
        "SMTP_PORT": "2525",
        "SMTP_USERNAME": "oocd",
        "SMTP_PASSWORD": "relay-secret",
        "SMTP_FROM": "oocd-panel@northbrook.example",
        "SMTP_STARTTLS": "false",
        "OOCD_PUBLIC_URL": "https://oocd.northbrook.example/",
    }
    settings = load_config(env, {"SECRET_KEY": "x"})
    assert settings["SMTP_HOST"] == "smtp.northbrook.example"
    assert settings["SMTP_PORT"] == 2525
    assert (settings["SMTP_USERNAME"], settings["SMTP_PASSWORD"]) == ("oocd", "relay-secret")
    assert settings["SMTP_FROM"] == "oocd-panel@northbrook.example"
    assert settings["SMTP_STARTTLS"] is False
    assert settings["PUBLIC_URL"] == "https://oocd.northbrook.example"
    # Unset: no mail, STARTTLS on for when it is, port 587.
    quiet = load_config({"OOCD_ENV": "development"}, {"SECRET_KEY": "x"})
    assert quiet["SMTP_HOST"] is None
    assert quiet["SMTP_FROM"] is None
    assert (quiet["SMTP_PORT"], quiet["SMTP_STARTTLS"]) == (587, True)
    with pytest.raises(RuntimeError, match="SMTP_PORT"):
        load_config({**env, "SMTP_PORT": "smtp"}, {"SECRET_KEY": "x"})


def test_trusted_proxies_is_a_count_and_none_by_default() -> None:
    env = {"OOCD_ENV": "development", "SECRET_KEY": "x"}
    assert load_config(env)["TRUSTED_PROXIES"] == 0
    assert load_config({**env, "OOCD_TRUSTED_PROXIES": " 2 "})["TRUSTED_PROXIES"] == 2
    for wrong in ("-1", "one", "1.5", "²"):
        with pytest.raises(RuntimeError, match="OOCD_TRUSTED_PROXIES"):
            load_config({**env, "OOCD_TRUSTED_PROXIES": wrong})
