"""What Jira answered is let go as soon as it is read, even with garbage collection paused (a
rescan pauses it while it reads its base back, beside the listing): httpx leaves each answer
in a reference cycle, which must not keep the parsed body alive, nor its bytes. Real HTTP,
the demo site."""

from __future__ import annotations

import gc

import httpx
from helpers.scanning import fast_governor

from aa_tui.jira.auth import ApiToken
from aa_tui.jira.cloud.client import CloudClient


def parsed_bodies(objects: list[object]) -> list[object]:
    """The parsed answers among ``objects``: id pages and bulkfetch answers."""
    return [o for o in objects if isinstance(o, dict) and ("issues" in o or "isLast" in o)]


def test_parsed_answers_are_not_left_to_the_garbage_collector(demo_server) -> None:
    client = CloudClient(
        demo_server.base_url,
        ApiToken(demo_server.email, demo_server.token),
        governor=fast_governor(),
    )
    pages: list[list[str]] = []
    with client, _collected() as garbage:
        for page in client.iter_issue_id_pages(
            "attachments IS NOT EMPTY ORDER BY id ASC", page_size=50
        ):
            pages.append(page)
        issues, _ = client.fetch_issues(pages[0][:20])
    assert len(pages) > 2 and len(issues) == 20  # what the answers held was read
    assert parsed_bodies(garbage) == []
    # nor the bytes they were parsed from (~6 MB of a 1,000,000-issue rescan's listing)
    answers = [o for o in garbage if isinstance(o, httpx.Response)]
    assert answers and [len(a.content) for a in answers] == [0] * len(answers)


class _collected:
    """Collection paused inside; what it would then find unreachable, in the list given."""

    def __enter__(self) -> list[object]:
        gc.collect()
        gc.disable()
        gc.set_debug(gc.DEBUG_SAVEALL)
        self.found: list[object] = []
        return self.found

    def __exit__(self, *exc: object) -> None:
        try:
            gc.collect()
            self.found.extend(gc.garbage)
        finally:
            gc.set_debug(0)
            gc.garbage.clear()
            gc.enable()
