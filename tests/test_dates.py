from datetime import datetime, timedelta, timezone

import pytest

from aa_tui.model.dates import parse_jira_time


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-04T10:00:00.000+0000", datetime(2025, 3, 4, 10, tzinfo=timezone.utc)),
        ("2025-03-04T10:00:00.000+0200", datetime(2025, 3, 4, 8, tzinfo=timezone.utc)),
        ("2025-03-04T10:00:00Z", datetime(2025, 3, 4, 10, tzinfo=timezone.utc)),
        ("2025-03-04T10:00:00", datetime(2025, 3, 4, 10, tzinfo=timezone.utc)),
        (" 2025-03-04T10:00:00.000-0130 ", datetime(2025, 3, 4, 11, 30, tzinfo=timezone.utc)),
    ],
)
def test_jira_times_parse_to_aware_utc_instants(text, expected):
    parsed = parse_jira_time(text)
    assert parsed == expected and parsed.utcoffset() is not None


@pytest.mark.parametrize("text", ["", "yesterday", "2025-13-01T00:00:00.000+0000", None])
def test_unreadable_times_are_none(text):
    assert parse_jira_time(text) is None


def test_offsets_keep_their_meaning():
    east = parse_jira_time("2025-03-04T10:00:00.000+0200")
    utc = parse_jira_time("2025-03-04T10:00:00.000+0000")
    assert utc - east == timedelta(hours=2)
