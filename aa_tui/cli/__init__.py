"""The command line, one face of the service layer (``aa_tui.service``): it parses arguments and
prints; scanning, storing, reporting and cleaning happen in the service.

``entry`` (``main``) dispatches to one module per command family: ``scan`` (scan, scans),
``report``, ``clean`` (clean, audit, restore); ``parser`` builds the arguments, ``api_token``
reads the token, ``progress`` draws the progress line and summary, ``threads`` runs a long job so
that Ctrl-C reaches it.
"""

from aa_tui.cli.entry import main
from aa_tui.cli.parser import build_parser

__all__ = ["build_parser", "main"]
