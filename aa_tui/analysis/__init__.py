"""Analysis of saved scans, apart from the scan pipeline: insights (growth by month, idle
projects, departed uploaders, clutter, hygiene, heat), the file lists behind every number,
what-if against a storage cap, and the changes between two scans.

Pure computation over the model's records and file tables (no I/O, no store, no HTTP): the
pipeline runs :func:`~aa_tui.analysis.insights.build_insights` once while saving a scan, the
service runs it again on a stored table with other settings.
"""
