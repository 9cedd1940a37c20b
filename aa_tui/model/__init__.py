"""The domain: records, groups, scopes, scans, summaries, progress. Imports nothing of aa_tui
but itself; every other package builds on it."""
