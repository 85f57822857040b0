"""Diversion and disproportionality evaluation."""
