"""aa-tui: find the storage that Jira Cloud attachments waste."""

__version__ = "0.1.0"
