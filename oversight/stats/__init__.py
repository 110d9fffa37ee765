"""The city's figures (/stats/): a daily snapshot per department, item and day, plus today's live aggregates."""
