"""Demo data of the statistics: after every other loader, build the snapshot so /stats/ shows a city at work."""

from .services import stats_rebuild


def load_demo_statistics(*, stdout=None) -> int:
    """Rebuild the statistics' daily snapshot from the demo records (idempotent: a rebuild replaces it)."""
    result = stats_rebuild()
    if stdout is not None:
        stdout.write(f"Statistics: snapshot built through {result.end} ({result.rows} rows).")
    return result.rows
