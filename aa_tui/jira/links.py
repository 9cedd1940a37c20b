"""Addresses people open in a browser, built from a site's base URL."""

from __future__ import annotations


def attachment_content_url(base: str, attachment_id: str) -> str:
    """Where a signed-in browser gets an attachment's bytes (Jira Cloud's content address)."""
    return f"{base}/rest/api/3/attachment/content/{attachment_id}"
