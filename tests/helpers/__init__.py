"""Helpers shared by the test modules: plain functions, classes and constants, no fixtures.

Fixtures reach the tests only through ``tests/conftest.py``; this package holds what both use.
It is not collected (no ``test_*.py`` here) and is imported as ``helpers.<module>``: pytest puts
``tests/`` on ``sys.path`` when it loads ``tests/conftest.py`` (the default ``prepend`` import
mode; ``tests/`` has no ``__init__.py``), so ``python -m pytest`` from the repo root finds it.

- :mod:`helpers.memory_keyring`: a keyring backend kept in a dict (never the OS keyring).
- :mod:`helpers.scanning`: demo-site clients and scans through the real engine, truth checks.
- :mod:`helpers.cli`: ``aa-tui`` as a subprocess (one-shot runs and watched scans).
- :mod:`helpers.contract`: Atlassian's OpenAPI subset as JSON Schema validators.
- :mod:`helpers.tui`: a stable app on scanned demo data, Pilot waits, synthetic big scans,
  async tests and journeys run in their own event loop (``sync``, ``run``).
- :mod:`helpers.sites`: a fresh demo site (Cloud or Data Center) scanned into a fresh data dir,
  for the tests that change the site (cleanups, restores) or open the app on it.
"""
