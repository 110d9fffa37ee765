"""Demo-data loaders of the apps, run by ``manage.py seed_demo`` after the core's own.

The portal core may not import the apps that build on it, so each app registers its
loader in AppConfig.ready(). A loader takes the command's ``stdout`` and must be
idempotent: a second run changes no counts.
"""

from collections.abc import Callable

_loaders: dict[str, tuple[int, Callable]] = {}


def register(name: str, *, order: int, loader: Callable) -> None:
    """Add (or replace) an app's demo-data loader."""
    _loaders[name] = (order, loader)


def loaders() -> list[Callable]:
    """Return the registered loaders in the order they run."""
    return [loader for _, loader in sorted(_loaders.values(), key=lambda pair: pair[0])]
