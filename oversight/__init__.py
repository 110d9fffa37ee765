"""Statistics and supervision over every app (效能监察): reads their selectors; nothing imports it.

Not an installed app yet: the disclosure, statistics and supervision features are built
here. The package exists now so the import contracts in pyproject.toml cover it from the
start.
"""
