"""A rescan saved as a layer on its base's files (hard links, plus what changed), against the
demo site over real HTTP and a real store: every reader sees what a full scan of the same site
saves, over a chain of rescans, after its root is deleted, and whole files when a layer is not
worth it or its root's files cannot be linked."""

from __future__ import annotations

import os

from helpers.scanning import assert_reads_same, counted_by_difference, run_scan

from aa_tui.store.layer import ROOT_ATTACHMENTS, ROOT_FILES, Layer, link_root, worth_a_layer


def change_some(server, share: float, salt: int) -> int:
    """Move the status of ``share`` of the issues that hold files (their ``updated`` moves)."""
    data = server.data
    holding = [i for i in range(data.issue_count) if data.att_start[i + 1] > data.att_start[i]]
    step = max(1, round(1 / share))
    changed = holding[salt % step :: step]
    for i in changed:
        server.set_status(i, (data.issue_status[i] + 1) % 3)
    return len(changed)


def same_file(a, b) -> bool:
    return os.stat(a).st_ino == os.stat(b).st_ino


def test_a_chain_of_rescans_links_one_root_and_reads_as_a_full_scan(
    demo_server, store, monkeypatch
):
    root = run_scan(demo_server, store)
    root_dir = store.scan_dir(root.info.id)
    change_some(demo_server, 0.05, 0)
    first = run_scan(demo_server, store)
    change_some(demo_server, 0.05, 7)
    upload_of = demo_server.changes.add_upload  # a copy of a file on another issue
    loc = root.groups[0].locations[0]
    issue = int(root.groups[-1].locations[-1].issue_id) - 10000
    upload_of(issue, "again.bin", "application/octet-stream", b"x" * 10)
    demo_server.touch(issue)
    by_difference = counted_by_difference(monkeypatch)
    second = run_scan(demo_server, store)
    assert by_difference == ["breakdowns"]  # from the first layer's counts
    full = run_scan(demo_server, store, full=True)

    layers = [store.layer(s.info.id) for s in (first, second)]
    assert all(isinstance(layer, Layer) and layer.root == root.info.id for layer in layers)
    assert layers[1] is not None and layers[1].dropped > layers[0].dropped  # carried forward
    for scan in (first, second):  # the root's bytes, never written again
        folder = store.scan_dir(scan.info.id)
        assert same_file(folder / ROOT_ATTACHMENTS, root_dir / "attachments.json")
        assert same_file(folder / ROOT_FILES, root_dir / "files.json")
        assert not (folder / "attachments.json").exists()
    assert_reads_same(store, second.info.id, full.info.id)
    assert loc.attachment_id in {a["attachment_id"] for a in store.iter_attachments(second.info.id)}

    store.delete_scan(root.info.id)  # (--keep-scans 1): the layers keep its files alive
    store.delete_scan(first.info.id)
    assert_reads_same(store, second.info.id, full.info.id)
    store.delete_scan(full.info.id)  # so that the newest complete scan is the layer
    third = run_scan(demo_server, store)  # a rescan of a layer whose root is gone
    assert by_difference == ["breakdowns"] * 2
    layer = store.layer(third.info.id)
    assert third.rescan is not None and third.rescan.base == second.info.id
    assert layer is not None and layer.root == root.info.id  # still linked, its folder gone
    assert_reads_same(store, third.info.id, run_scan(demo_server, store, full=True).info.id)


def test_a_rescan_that_changed_much_is_saved_whole(demo_server, store):
    run_scan(demo_server, store)
    change_some(demo_server, 0.5, 0)
    rescan = run_scan(demo_server, store)
    full = run_scan(demo_server, store, full=True)
    assert rescan.rescan is not None and rescan.rescan.reread_issues > 0
    assert store.layer(rescan.info.id) is None
    assert (store.scan_dir(rescan.info.id) / "attachments.json").exists()
    assert_reads_same(store, rescan.info.id, full.info.id)


def test_a_base_without_a_file_table_gives_a_whole_rescan(demo_server, store):
    """A base saved by an aa-tui that wrote no files.json has nothing to link: the rescan is
    saved whole (its table rebuilt from the attachments and groups)."""
    base = run_scan(demo_server, store)
    (store.scan_dir(base.info.id) / "files.json").unlink()
    change_some(demo_server, 0.05, 0)
    rescan = run_scan(demo_server, store)
    full = run_scan(demo_server, store, full=True)
    assert rescan.rescan is not None and store.layer(rescan.info.id) is None
    assert not list(store.scan_dir(rescan.info.id).glob("root.*"))  # none left half-linked
    assert_reads_same(store, rescan.info.id, full.info.id)


def test_link_root_refuses_what_it_cannot_link(tmp_path):
    base, folder = tmp_path / "base", tmp_path / "layer"
    base.mkdir()
    (base / "attachments.json").write_text("{}")
    assert not link_root(base, folder)  # no files.json
    assert not list(folder.iterdir())
    (base / "files.json").write_text("{}")
    assert link_root(base, folder)
    assert same_file(folder / ROOT_FILES, base / "files.json")


def test_a_layer_is_worth_it_while_small():
    assert worth_a_layer(1000, 100, 150)
    assert not worth_a_layer(1000, 200, 51)
    assert not worth_a_layer(0, 0, 0)


def test_deleting_a_root_frees_only_what_no_layer_links(tmp_path):
    from aa_tui.service.retention import folder_size

    root, layer = tmp_path / "root", tmp_path / "layer"
    root.mkdir()
    (root / "attachments.json").write_bytes(b"a" * 1000)
    (root / "files.json").write_bytes(b"f" * 300)
    (root / "summary.json").write_bytes(b"s" * 20)
    assert folder_size(root) == 1320
    assert link_root(root, layer)
    assert folder_size(root) == 20  # the linked files stay for the layer
    assert folder_size(layer) == 0
    assert folder_size(tmp_path / "gone") == 0


def test_a_layers_insights_are_counted_when_first_read_then_kept(demo_server, store):
    from aa_tui.service.insights import insights_of

    run_scan(demo_server, store)
    change_some(demo_server, 0.05, 0)
    rescan = run_scan(demo_server, store)
    assert store.layer(rescan.info.id) is not None
    assert "what_if" not in store.load_summary(rescan.info.id)  # not counted while saving
    counted = insights_of(store.results(rescan.info.id)).to_summary()
    saved = store.load_summary(rescan.info.id)
    assert {k: saved[k] for k in counted} == counted  # kept for the next reader
    assert saved["totals"] == rescan.summary["totals"]  # and the rest as it was
    reopened = store.results(rescan.info.id)
    assert reopened.summary().has_insights
    assert insights_of(reopened).to_summary() == counted


def test_a_layer_first_read_with_other_thresholds_keeps_its_own(demo_server, store):
    """A report with --stale-days 100 --idle-days 30 --cap (or the app with such settings)
    read a layer first: the insights it counted were kept as the scan's own, and every later
    reader (the overview, `clean --policy idle`'s list) got 100 and 30 days (tester27)."""
    from aa_tui.model.insights import InsightSettings
    from aa_tui.service.insights import insights_of

    run_scan(demo_server, store)
    change_some(demo_server, 0.05, 0)
    rescan = run_scan(demo_server, store)
    full = run_scan(demo_server, store, full=True)
    other = InsightSettings(stale_days=100, idle_days=30, cap=10**9)
    first = insights_of(store.results(rescan.info.id), other)
    assert first.settings == other  # what that reader asked for
    assert store.results(rescan.info.id).summary().insight_settings == InsightSettings()
    assert_reads_same(store, rescan.info.id, full.info.id)  # the defaults, as a whole scan's


def test_a_layers_file_table_is_merged_once_then_read_as_a_whole_scans(demo_server, store):
    """Merging a layer's table cost every fresh process's first file list 0.7 s more than a
    whole scan's at 531,000 files: the first reader saves the merged table."""
    root = run_scan(demo_server, store)
    change_some(demo_server, 0.05, 0)
    rescan = run_scan(demo_server, store)
    folder = store.scan_dir(rescan.info.id)
    assert store.layer(rescan.info.id) is not None and not (folder / "files.json").exists()
    store.results(rescan.info.id).file_table()
    assert (folder / "files.json").exists()
    again = run_scan(demo_server, store)  # a rescan of it links the root's table, not that
    linked = store.scan_dir(again.info.id) / ROOT_FILES
    assert same_file(linked, store.scan_dir(root.info.id) / "files.json")
    full = run_scan(demo_server, store, full=True)
    (folder / ROOT_FILES).unlink()  # later readers of the first do without the root's table
    assert_reads_same(store, rescan.info.id, full.info.id)
    assert_reads_same(store, again.info.id, full.info.id)


def test_a_metadata_rescan_of_a_layer_counts_from_the_layer(demo_server, store, monkeypatch):
    """A rescan of a layer (its groups by id and its tables' time in its layer.json) counts
    its groups and tables by difference, saves the groups it held as the layer saved them,
    and reads as a full scan."""
    run_scan(demo_server, store, verify="metadata")
    change_some(demo_server, 0.05, 0)
    first = run_scan(demo_server, store, verify="metadata")
    assert store.layer(first.info.id) is not None
    change_some(demo_server, 0.05, 3)
    by_difference = counted_by_difference(monkeypatch)
    second = run_scan(demo_server, store, verify="metadata")
    assert second.rescan is not None and second.rescan.base == first.info.id
    assert by_difference == ["groups", "breakdowns", "saved groups"]
    full = run_scan(demo_server, store, full=True, verify="metadata")
    assert_reads_same(store, second.info.id, full.info.id)
