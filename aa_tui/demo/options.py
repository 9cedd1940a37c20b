"""How the demo site behaves: every knob of :class:`DemoOptions` (all off by default)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoOptions:
    """How the demo site behaves. Everything is off by default (a fast, perfect site).

    Shares (``fault_*``) are probabilities per request in [0, 1]."""

    latency_s: float = 0.0  # every request, both origins
    per_issue_s: float = 0.0  # per issue returned with fields (search, bulkfetch)
    per_id_s: float = 0.0  # per id on id-only search pages
    rate_limit_rps: float | None = None  # token bucket over Jira-origin requests
    burst: int = 40
    # "site": one bucket for every request; "endpoint": one per endpoint + method, as Jira's
    # jira-burst-based limit (a 429 on attachment content leaves search and bulkfetch alone).
    rate_scope: str = "site"
    # Own (rps, burst) for some endpoints, keyed "METHOD template" (rate_scope="endpoint"),
    # e.g. (("GET /rest/api/3/attachment/content/{id}", 5.0, 5),).
    endpoint_rates: tuple[tuple[str, float, int], ...] = ()
    # Writes (delete, comment, upload) to one issue: at most N in any window of S seconds
    # (jira-per-issue-on-write; reported figures 20 per 2 s). None: unlimited.
    issue_write_limit: tuple[int, float] | None = None
    # Delete permission of the demo user: "all" (Delete all attachments), "own" (only files it
    # uploaded), "none". The read-only user (DemoServer.viewer) never has any.
    delete_permission: str = "all"
    fault_5xx: float = 0.0  # Jira-origin answers replaced by 500/502/503 (+Retry-After)
    fault_429_burst: float = 0.0  # requests that start a ~1 s burst of 429s
    fault_cut_download: float = 0.0  # downloads cut mid-body (full Content-Length sent)
    fault_slow: float = 0.0  # answers delayed by slow_s
    slow_s: float = 1.0
    ignore_range: bool = False  # media answers 200 with everything to a Range request
    attachments_enabled: bool = True  # reported by /attachment/meta
    # serverInfo's deploymentType; "" answers as the mode does ("Cloud", or "Server" as Jira
    # Data Center 9.x and 10.x say). "Server" on a Cloud site only changes serverInfo.
    deployment: str = ""
    # Jira Data Center / Server mode: REST v2 only, /rest/api/2/search with startAt (pages capped
    # at search_page_cap; asking past search_window results is a 500, as OpenSearch-backed
    # sites answer), bytes from /secure/attachment/{id}/{filename} on the Jira origin (no media
    # host), Bearer personal access tokens or Basic username:password, and the Data Center
    # rate limiter (a token bucket per user; X-RateLimit-Interval-Seconds and -FillRate).
    data_center: bool = False
    search_page_cap: int = 1000  # jira.search.views.default.max
    search_window: int = 10_000  # jira.search.platform.max.result.window (0: no limit)
    ignore_range_share: float = 0.0  # share of files (fixed per file) served 200 to a Range
    hidden_projects: tuple[str, ...] = ()  # keys the user cannot browse
    fault_seed: int = 1
    media_token_ttl_s: float = 300.0  # media links expire after this (401 from the media host)
    # Response faults (see aa_tui.demo.faults); deterministic given the site's seed.
    id_page_size: int = 0  # cap on id-only search pages (0: Jira's 5000)
    fault_bad_json: float = 0.0  # 200 JSON answers cut in half (still labelled JSON)
    bad_json_paths: tuple[str, ...] = ()  # endpoints whose 200 answers are always cut
    fault_fields: float = 0.0  # share of attachments and issues with missing/null/odd fields
    repeat_ids: bool = False  # each id page repeats the last id of the page before
    empty_pages: bool = False  # an empty page that still carries a token before every id page
    repeat_token: bool = False  # a page asked for with a token hands that same token back
    bulk_not_visible: float = 0.0  # share of issues that search lists but bulkfetch cannot
    not_jira: str = ""  # "html": a web page (200) everywhere; "html404": 404 pages on /rest
