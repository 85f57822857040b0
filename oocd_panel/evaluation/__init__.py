"""Diversion and disproportionality evaluation: the decision points each step writes, with the
child's characteristics as they were then (`decision_points`, `snapshot`), the reports counted in
the database (`reports`, `practice`), rates and their confidence, small-number suppression,
charts and the pseudonymised extract."""
