"""Persistence: TinyDB with atomic writes; the token is never stored here."""
