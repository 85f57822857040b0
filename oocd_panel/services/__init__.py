"""Use cases as plain functions: each takes a database session and the acting user."""
