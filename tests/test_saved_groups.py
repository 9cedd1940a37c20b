"""A rescan writes the groups it held unchanged as its base saved them (bytes and row), and
encodes them anew when the base's files are not what their rows say or were encoded otherwise
(an older aa-tui's)."""

from __future__ import annotations

import orjson
from helpers.scanning import run_scan

from aa_tui.scan.since_base import Since
from aa_tui.scan.spliced import groups_to_save
from aa_tui.store.saved_groups import SavedGroups
from aa_tui.store.scan_files import SavedGroup


def since_holding(base_id: str, groups) -> Since:
    return Since(0, [], base_id=base_id, held=frozenset(g.hash for g in groups))


def test_held_groups_are_written_as_saved_and_others_encoded(demo_server, store):
    base = run_scan(demo_server, store, verify="metadata")
    groups = base.groups
    assert len(groups) > 3
    since = since_holding(base.info.id, groups[1::2])  # every other one held
    items = list(groups_to_save(store, groups, since))
    assert [isinstance(i, SavedGroup) for i in items] == [n % 2 == 1 for n in range(len(groups))]
    for item, group in zip(items, groups, strict=True):
        raw = item.raw if isinstance(item, SavedGroup) else orjson.dumps(item)
        assert raw == orjson.dumps(group.to_dict())


def test_groups_are_encoded_anew_when_the_saved_ones_do_not_fit(demo_server, store):
    base = run_scan(demo_server, store, verify="metadata")
    folder = store.scan_dir(base.info.id)
    since = since_holding(base.info.id, base.groups)
    with (folder / "groups.json").open("ab") as grown:  # not the file its rows describe
        grown.write(b" ")
    saved = SavedGroups(folder)
    assert not saved.usable
    saved.close()
    assert not any(isinstance(i, SavedGroup) for i in groups_to_save(store, base.groups, since))
    # groups saved as another aa-tui encodes them: their rows fit, their bytes are not these
    older = [{**g.to_dict(), "older": True} for g in base.groups]
    store.save_results(base.info.id, store.load_summary(base.info.id), older, None)
    items = list(groups_to_save(store, base.groups, since))
    assert items == [g.to_dict() for g in base.groups]
    (folder / "groups.json").write_bytes(b"")  # empty (nothing to map): encoded anew
    assert not any(isinstance(i, SavedGroup) for i in groups_to_save(store, base.groups, since))


def test_saved_groups_are_read_a_window_at_a_time(demo_server, store, monkeypatch):
    """Each held group is its saved bytes whatever the window (one smaller than a group, one
    of a few groups); the file is read a window at a time, not once a group."""
    from aa_tui.store import group_files

    base = run_scan(demo_server, store, verify="metadata")
    groups = base.groups
    since = since_holding(base.info.id, groups[::2] + groups[1:7])  # runs and gaps
    reads: list[int] = []
    real_pread = group_files.os.pread

    def counted(fd: int, length: int, offset: int) -> bytes:
        reads.append(offset)
        return real_pread(fd, length, offset)

    monkeypatch.setattr(group_files.os, "pread", counted)
    for window in (16, 3000, 1 << 20):
        monkeypatch.setattr(group_files, "WINDOW", window)
        reads.clear()
        items = list(groups_to_save(store, groups, since))
        held = [i for i in items if isinstance(i, SavedGroup)]
        assert len(held) == len(since.held)
        for item, group in zip(items, groups, strict=True):
            raw = item.raw if isinstance(item, SavedGroup) else orjson.dumps(item)
            assert raw == orjson.dumps(group.to_dict())
        if window == 1 << 20:  # the demo's groups.json is smaller: one read
            assert len(reads) == 1
        elif window == 3000:
            assert 1 < len(reads) < len(held)
