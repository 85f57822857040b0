"""The service's rules, as plain functions over models and the catalogue: what a new referral
must meet (`referral_rules`), quorum, who may vote and the decision rule (`decision_rules`), the
assessment's quality gates, timeliness and working days, what a decision, escalation and
delivery record (`outcome_records`), and the settings a service may change (`service_settings`).
Rules import no services, workflow, views or demo code."""
