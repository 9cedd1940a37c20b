"""The insights of a stored scan: the tabs of tables (``screen``, its words in ``texts``), the
files behind a number (``files``) and the duplicate groups that changed between two scans
(``changes``)."""
