"""A metadata rescan's duplicate groups saved as a layer on its base's (the root's
``groups.json`` and rows hard-linked, plus the groups that changed), against the demo site over
real HTTP and a real store: every reader sees what a full scan of the same site saves, over a
chain of rescans and after the root is deleted; whole files when a layer is not worth it; a
damaged layer says so."""

from __future__ import annotations

import os

import pytest
from helpers.scanning import assert_reads_same, counted_by_difference, group_ids, run_scan
from test_rescan_layer import change_some

import aa_tui.store.group_layer as group_layer
from aa_tui.scan.held import HeldGroup
from aa_tui.scan.stats import QUICK_WINS, quick_win_order
from aa_tui.store.errors import StoreError
from aa_tui.store.group_layer import (
    DELTA_GROUP_ROWS,
    DELTA_GROUPS,
    GROUP_LAYER,
    ROOT_GROUP_ROWS,
    ROOT_GROUPS,
    read_group_layer,
)


def same_file(a, b) -> bool:
    return os.stat(a).st_ino == os.stat(b).st_ino


@pytest.fixture
def any_share(monkeypatch):
    """Layers of any size (the small demo site's 5% change touches ~30% of its 28 groups)."""
    monkeypatch.setattr(group_layer, "MAX_SHARE", 1.0)


def test_a_chain_of_rescans_links_one_roots_groups_and_reads_as_a_full_scan(
    demo_server, store, monkeypatch, any_share
):
    root = run_scan(demo_server, store, verify="metadata")
    root_dir = store.scan_dir(root.info.id)
    change_some(demo_server, 0.05, 0)
    by_difference = counted_by_difference(monkeypatch)
    first = run_scan(demo_server, store, verify="metadata")
    change_some(demo_server, 0.05, 3)
    second = run_scan(demo_server, store, verify="metadata")
    assert by_difference == ["groups", "breakdowns", "group layer"] * 2
    full = run_scan(demo_server, store, full=True, verify="metadata")

    layers = [read_group_layer(store.scan_dir(s.info.id)) for s in (first, second)]
    assert all(layer is not None and layer.root == root.info.id for layer in layers)
    assert layers[0] is not None and layers[1] is not None
    assert layers[0].dropped and layers[1].dropped >= layers[0].dropped  # carried forward
    assert 0 < len(layers[1].delta) < layers[1].count
    for scan in (first, second):  # the root's bytes, never written again
        folder = store.scan_dir(scan.info.id)
        assert same_file(folder / ROOT_GROUPS, root_dir / "groups.json")
        assert same_file(folder / ROOT_GROUP_ROWS, root_dir / "group_rows.json")
        assert not (folder / "groups.json").exists()
    assert_reads_same(store, second.info.id, full.info.id)

    store.delete_scan(root.info.id)  # (--keep-scans 1): the layers keep its groups alive
    store.delete_scan(first.info.id)
    assert_reads_same(store, second.info.id, full.info.id)
    store.delete_scan(full.info.id)  # so that the newest complete scan is the layer
    change_some(demo_server, 0.05, 5)
    third = run_scan(demo_server, store, verify="metadata")  # its group root is gone
    layer = read_group_layer(store.scan_dir(third.info.id))
    assert third.rescan is not None and third.rescan.base == second.info.id
    assert layer is not None and layer.root == root.info.id
    full = run_scan(demo_server, store, full=True, verify="metadata")
    assert_reads_same(store, third.info.id, full.info.id)


def test_a_rescan_that_holds_too_few_groups_saves_them_whole(demo_server, store, monkeypatch):
    run_scan(demo_server, store, verify="metadata")
    change_some(demo_server, 0.05, 0)
    by_difference = counted_by_difference(monkeypatch)
    rescan = run_scan(demo_server, store, verify="metadata")
    # those it held written again as the base saved them
    assert by_difference == ["groups", "breakdowns", "saved groups"]
    folder = store.scan_dir(rescan.info.id)
    assert not (folder / GROUP_LAYER).exists() and (folder / "groups.json").exists()
    full = run_scan(demo_server, store, full=True, verify="metadata")
    assert_reads_same(store, rescan.info.id, full.info.id)


def test_a_layer_then_whole_groups_in_one_folder_read_as_the_last_saved(
    demo_server, store, any_share
):
    """A resumed scan saves again where an earlier try saved: the last kind saved is read."""
    base = run_scan(demo_server, store, verify="metadata")
    change_some(demo_server, 0.05, 0)
    rescan = run_scan(demo_server, store, verify="metadata")
    folder = store.scan_dir(rescan.info.id)
    assert (folder / GROUP_LAYER).exists()
    layered = store.load_groups(rescan.info.id)
    summary = store.load_summary(rescan.info.id)
    store.save_results(rescan.info.id, summary, store.load_groups(base.info.id), None)
    assert not any((folder / n).exists() for n in (GROUP_LAYER, ROOT_GROUPS, DELTA_GROUPS))
    assert store.load_groups(rescan.info.id) == store.load_groups(base.info.id) != layered


@pytest.mark.parametrize("damage", [DELTA_GROUP_ROWS, ROOT_GROUPS, GROUP_LAYER])
def test_a_damaged_group_layer_says_so(demo_server, store, any_share, damage):
    run_scan(demo_server, store, verify="metadata")
    change_some(demo_server, 0.05, 0)
    rescan = run_scan(demo_server, store, verify="metadata")
    folder = store.scan_dir(rescan.info.id)
    (folder / damage).unlink()
    (folder / damage).write_bytes(b"<html>not json</html>")
    results = store.results(rescan.info.id)
    with pytest.raises(StoreError, match="run the scan again( with --full)?"):
        results.group_table()
    with pytest.raises(StoreError, match="run the scan again( with --full)?"):
        list(results.iter_groups())


@pytest.mark.parametrize("linked", [True, False])
def test_held_groups_are_counted_and_saved_without_reading_their_files(
    demo_server, store, monkeypatch, linked
):
    """A rescan holds its base's unchanged groups by their files' ids: only the files of
    those that may be quick wins are placed (the summary shows them whole), also when its
    files are saved whole (their table names each file's group by id); reading any other
    places them all, the same files as a full scan's groups."""
    run_scan(demo_server, store, verify="metadata")
    change_some(demo_server, 0.02, 0)
    if not linked:  # a file system that refuses hard links: the files are saved whole
        import aa_tui.scan.layering as layering

        monkeypatch.setattr(layering, "link_root", lambda base, folder: False)
    rescan = run_scan(demo_server, store, verify="metadata")
    assert (store.layer(rescan.info.id) is not None) is linked
    held = [g for g in rescan.groups if isinstance(g, HeldGroup)]
    candidates = sorted(held, key=quick_win_order)[:QUICK_WINS]  # (the held ones that may be)
    assert len(held) > len(candidates) > 0
    assert [g for g in held if g.placed is not None] == sorted(candidates, key=held.index)
    full = run_scan(demo_server, store, full=True, verify="metadata")
    assert group_ids(rescan.groups) == group_ids(full.groups)  # (reads them all)
    assert all(g.placed is not None for g in held)
    assert rescan.summary["quick_wins"] == full.summary["quick_wins"]


def test_a_layered_rescans_figures_after_a_cleanup_of_files_in_no_group(
    demo_server, store, any_share
):
    """A layer's rows come without their sort orders: the figures after a cleanup that
    removed only files in no group (stale, big, empty ones) rank the quick wins all the same,
    as a full scan's (the review found a KeyError there)."""
    from aa_tui.service.after_cleanup import summary_after
    from aa_tui.service.cleanup.facade import Removed

    run_scan(demo_server, store, verify="metadata")
    change_some(demo_server, 0.05, 0)
    rescan = run_scan(demo_server, store, verify="metadata")
    full = run_scan(demo_server, store, full=True, verify="metadata")
    assert store.groups_layered(rescan.info.id) and not store.groups_layered(full.info.id)
    groups = store.load_groups(rescan.info.id)
    grouped = {loc["attachment_id"] for g in groups for loc in g["locations"]}
    loose = next(
        r["attachment_id"]
        for r in store.iter_attachments(rescan.info.id)
        if r["attachment_id"] not in grouped
    )
    removed = Removed(ids=frozenset({loose}), deleted=frozenset({loose}), freed=1, by_group={})
    after = summary_after(store.results(rescan.info.id), removed, insights=False)
    expected = summary_after(store.results(full.info.id), removed, insights=False)
    assert after.quick_wins == expected.quick_wins and after.quick_wins


def test_a_layers_groups_stream_reading_each_file_about_once(
    demo_server, store, any_share, monkeypatch
):
    """Read in order, a layer's groups go back and forth between its root's file and its
    delta's: each file keeps its own window, so the bytes read are about the files' sizes (the
    review counted 27 times them with one window for both); one group alone reads its own."""
    import os

    import aa_tui.store.group_files as group_files

    monkeypatch.setattr(group_files, "WINDOW", 4096)  # (the demo's files are small)
    run_scan(demo_server, store, verify="metadata")
    change_some(demo_server, 0.05, 0)
    rescan = run_scan(demo_server, store, verify="metadata")
    folder = store.scan_dir(rescan.info.id)
    assert store.groups_layered(rescan.info.id)
    read: list[int] = []
    real_pread = os.pread

    def counted(fd, length, offset):
        data = real_pread(fd, length, offset)
        read.append(len(data))
        return data

    monkeypatch.setattr(group_files.os, "pread", counted)
    groups = list(store.results(rescan.info.id).iter_groups())
    sizes = (folder / ROOT_GROUPS).stat().st_size + (folder / DELTA_GROUPS).stat().st_size
    assert groups and sizes <= sum(read) + 2 * 4096 and sum(read) < 1.5 * sizes + 2 * 4096
    read.clear()
    table = store.load_group_rows(rescan.info.id)
    assert table is not None
    assert store.load_group(rescan.info.id, 3, table.rows) == groups[3]
    assert read == [table.rows[3][-1]]  # its length alone


def test_held_groups_let_their_kept_files_go_with_them(demo_server, store):
    """No cycle between the held groups and the kept files they are placed from: once the
    groups go (the command line clears them before its exports), so do the kept files, with
    no collection (the review found them kept until a full one)."""
    import gc
    import weakref

    run_scan(demo_server, store, verify="metadata")
    change_some(demo_server, 0.02, 0)
    rescan = run_scan(demo_server, store, verify="metadata")
    held = [g for g in rescan.groups if isinstance(g, HeldGroup)]
    assert held
    files = weakref.ref(held[0]._files)
    gc.disable()
    try:
        del held
        rescan.groups.clear()
        assert files() is None
    finally:
        gc.enable()
