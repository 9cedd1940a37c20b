"""The service layer: the one way in for the command line and the app.

:class:`~aa_tui.service.workspace.Workspace` opens the store and reaches sites;
:class:`~aa_tui.service.scanning.ScanRun` runs one scan; :func:`~aa_tui.service.errors.describe`
turns any error into what the user reads.
"""
