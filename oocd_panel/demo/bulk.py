"""A large demo cohort, fast: the entry point of the bulk loader (`seed_bulk`).

The loader itself is moving out of this module into parts of its own; for now most of it is in
`bulk_walk`."""

from oocd_panel.demo.bulk_rows import COLUMNS
from oocd_panel.demo.bulk_walk import BuildFailed, BulkResult, seed_bulk

__all__ = ["COLUMNS", "BuildFailed", "BulkResult", "seed_bulk"]
