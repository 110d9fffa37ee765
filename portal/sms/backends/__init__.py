"""SMS backends: console (development), locmem (tests), gateway (production)."""
