"""Synthetic demo data: the services, one demo user per role and a cohort of invented children
and referrals. `cohort` says what the cohort looks like (drawn from `weights` and `names`, the
assessments from `assessment_answers`, acted by each service's `cast`); `seed` carries it through
the product's own services (at panel with `panels`); `bulk` writes a large cohort's rows directly
(its parts are the `bulk_*` modules). Only the CLI, bench/ and tests import this package; the
product's own code never does (an import-linter contract)."""

from oocd_panel.demo.seed import (
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    DEMO_USERS,
    carry_out,
    delivery_for,
    ensure_demo_users,
    ensure_services,
    referral_count,
    seed_audits,
    seed_demo,
    seed_referrals,
)

__all__ = [
    "DEMO_PASSWORD",
    "DEMO_TOTP_SECRET",
    "DEMO_USERS",
    "carry_out",
    "delivery_for",
    "ensure_demo_users",
    "ensure_services",
    "referral_count",
    "seed_audits",
    "seed_demo",
    "seed_referrals",
]
