"""The report format ``aa-tui.report/2``: one JSON object, or one CSV file per table.

``/2`` adds the insight tables (``uploads_by_month``, ``idle_projects``, ``inactive_uploaders``,
``clutter``, ``hygiene``, ``heat``, ``what_if``, ``largest_files``) and unreadable rows with
their issue key and file name; a ``/1`` report or summary still opens (those are empty).

The writers: :mod:`~aa_tui.reports.json_file` (``full_report``, ``write_json``),
:mod:`~aa_tui.reports.csv_tables` (``write_csv``, ``csv_safe``) and
:mod:`~aa_tui.reports.html_page` (``write_html``: one self-contained page for a manager). The
summary a scan saves (the report without its groups) is built by :mod:`aa_tui.scan.summarize`.
JSON and CSV are written as streams, each file to a temp file renamed when whole: a report's
long tables (groups, file lists) may be :class:`~aa_tui.reports.rows.Rows`, read as written.
"""
