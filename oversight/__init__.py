"""Statistics and supervision over every app (效能监察): reads their selectors; nothing imports it."""
