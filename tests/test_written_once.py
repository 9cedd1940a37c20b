"""Helpers that were written more than once now have one home, and its callers agree."""

from __future__ import annotations

import pytest

from aa_tui.jira.site import is_loopback_host
from aa_tui.service.demo import is_loopback


@pytest.mark.parametrize(
    ("site", "loopback"),
    [
        ("http://127.0.0.1:8080", True),
        ("http://127.0.0.2:8080", True),  # all of 127/8 is this machine (it once said no here)
        ("http://[::1]:8080", True),
        ("http://localhost:8080", True),
        ("https://example.atlassian.net", False),
        ("http://128.0.0.1", False),
    ],
)
def test_one_loopback_rule_for_the_demo_and_the_client(site, loopback):
    from urllib.parse import urlsplit

    assert is_loopback(site) is loopback
    assert is_loopback_host(urlsplit(site).hostname or "") is loopback
