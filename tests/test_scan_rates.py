"""Live numbers from a recent window: per phase, nothing claimed at a phase start, and the
byte phases of a real scan carry them."""

from __future__ import annotations

from helpers.scanning import run_scan

from aa_tui.demo.generator import generate_site
from aa_tui.demo.server import DemoOptions, DemoServer
from aa_tui.model.enums import Phase
from aa_tui.model.events import RecentRate


def test_a_phase_start_claims_no_rate_or_eta():
    window = RecentRate(window_s=10, min_span_s=1)
    assert window.update(Phase.HEADS, 1, 1000, now=100.0) == (0.0, None)
    assert window.update(Phase.HEADS, 2, 1000, now=100.5) == (0.0, None)


def test_rate_and_eta_follow_the_recent_pace_not_the_average():
    window = RecentRate(window_s=10, min_span_s=1)
    t = 0.0
    for done in range(0, 101):  # 100 files in 100 s: 1/s
        window.update(Phase.HEADS, done, 1100, now=t)
        t += 1.0
    done = 100
    for _ in range(20):  # then 10/s for 20 s
        t += 1.0
        done += 10
        rate, eta = window.update(Phase.HEADS, done, 1100, now=t)
    assert abs(rate - 10) < 0.01  # the window forgot the slow start
    assert abs(eta - (1100 - done) / 10) < 0.01


def test_a_new_phase_starts_a_new_window_and_a_finished_one_says_zero():
    window = RecentRate(window_s=10, min_span_s=1)
    window.update(Phase.HEADS, 0, 10, now=0.0)
    assert window.update(Phase.HEADS, 10, 10, now=2.0) == (5.0, 0.0)
    assert window.update(Phase.HASHING, 0, 50, now=2.5) == (0.0, None)
    rate, eta = window.update(Phase.HASHING, 5, 50, now=4.5)
    assert rate == 2.5 and eta == 18.0


def test_byte_phases_of_a_scan_carry_rate_and_eta(small_site, store):
    """50 ms per request: the reads last a few seconds, long enough to be measured. Their
    stages overlap, so the ETA and the share are those of the reads' bytes over all three."""
    events = []
    with DemoServer(small_site, DemoOptions(latency_s=0.05)) as server:
        run_scan(server, store, listener=events.append)
    reading = [e for e in events if e.phase.counts_files]
    timed = [e for e in reading if e.eta_s is not None]
    assert len(timed) >= 3
    assert all(e.rate_per_s >= 0 and e.eta_s >= 0 and e.bytes_per_s > 0 for e in timed)
    # The ETA is at most what is left: files that stop matching are never read. It is within
    # reach of the time the reads really went on for.
    first, last = timed[0], reading[-1]
    left = last.elapsed_s - first.elapsed_s
    assert 0.2 * left <= first.eta_s <= 3 * left + 1, (first.eta_s, left)
    assert events[-1].eta_s is None  # saving and done measure nothing of the reads
    # one share of bytes over the three phases, never going back, reached at the end
    assert all(e.phase_bytes_total > 0 for e in reading)
    shares = [e.phase_bytes_done / e.phase_bytes_total for e in reading]
    assert shares == sorted(shares) and shares[-1] == 1.0
    assert all(e.phase_bytes_total == 0 for e in events if not e.phase.counts_files)


def test_metadata_phases_carry_rate_and_eta(store):
    """Details fetched at 4 requests/s (7 bulkfetch calls): issues per second and the time
    left come from the recent window, as in the byte phases; saving claims none. Only
    bulkfetch is held to 4 a second: the checks and the listing before it at that pace took
    ~5 s and are not what is measured here."""
    site = generate_site(seed=11, issues=2000)
    events = []
    bulkfetch = ("POST /rest/api/3/issue/bulkfetch", 4.0, 1)
    options = DemoOptions(
        latency_s=0.02, rate_limit_rps=1000.0, rate_scope="endpoint", endpoint_rates=(bulkfetch,)
    )
    with DemoServer(site, options) as server:
        run_scan(server, store, verify="metadata", listener=events.append)
    fetching = [e for e in events if e.phase == Phase.FETCHING]
    timed = [e for e in fetching if e.eta_s is not None]
    assert timed, [(e.elapsed_s, e.done, e.rate_per_s) for e in fetching]
    assert all(e.rate_per_s > 0 and e.eta_s >= 0 for e in timed)
    # issues per second, not requests: a bulkfetch call brings up to 100 issues
    assert max(e.rate_per_s for e in timed) > 20
    assert fetching[-1].done == site.truth.issues_with_attachments
    saving = [e for e in events if e.phase == Phase.SAVING]
    assert saving and all(e.eta_s is None and e.rate_per_s == 0 for e in saving)
