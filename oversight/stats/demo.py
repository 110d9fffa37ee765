"""Demo data of the statistics: after every other loader, build the snapshot so /stats/ shows a city at work."""

from portal.clock import sweep

from .services import stats_rebuild


def load_demo_statistics(*, stdout=None) -> int:
    """Rebuild the statistics' daily snapshot from the demo records (idempotent: a rebuild replaces it).

    The clock's sweep runs first, as seed_demo runs it after the loaders: the late intakes it accepts by
    law count as accepted on their filing day, which the snapshot holds.
    """
    sweep.run()
    result = stats_rebuild()
    if stdout is not None:
        stdout.write(f"Statistics: snapshot built through {result.end} ({result.rows} rows).")
    return result.rows
