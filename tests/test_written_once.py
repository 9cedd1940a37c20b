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


def _modules_containing(needle: str) -> list[str]:
    from pathlib import Path

    import aa_tui

    package = Path(aa_tui.__file__).parent
    return sorted(
        path.relative_to(package).as_posix()
        for path in package.rglob("*.py")
        if path.relative_to(package).parts[0] != "demo"
        and needle in path.read_text(encoding="utf-8")
    )


@pytest.mark.parametrize(
    ("needle", "home"),
    [
        ('isoformat(timespec="seconds")', "model/dates.py"),  # the timestamps aa-tui records
        ("/browse/", "model/links.py"),  # where people open an issue
        ('"\\r" + ', "cli/status_line.py"),  # the line rewritten in place
        ("A-Za-z0-9_]", "model/records.py"),  # what a project (and issue) key is
        ("naturalsize(", "model/units.py"),  # how a size is written
        ("ipaddress.ip_address(", "jira/site.py"),  # what loopback is
        ("os.open(directory", "durable.py"),  # a folder synced (the store's and the archive's)
    ],
)
def test_a_helper_has_one_home(needle, home):
    assert _modules_containing(needle) == [home]
