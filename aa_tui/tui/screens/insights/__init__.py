"""The insights of a stored scan: the tabs of tables (``screen``), the files behind a number
(``files``) and the duplicate groups that changed between two scans (``changes``)."""
