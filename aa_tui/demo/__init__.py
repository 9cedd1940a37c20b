"""An embedded demo Jira Cloud site: generated data, real HTTP servers and the exact answer."""

from aa_tui.demo.generator import DemoData, GenerationOptions, generate_site
from aa_tui.demo.options import DemoOptions
from aa_tui.demo.replies import Exchange
from aa_tui.demo.server import DemoServer
from aa_tui.demo.truth import SiteTruth, Trap

__all__ = [
    "DemoData",
    "DemoOptions",
    "DemoServer",
    "Exchange",
    "GenerationOptions",
    "SiteTruth",
    "Trap",
    "generate_site",
]
