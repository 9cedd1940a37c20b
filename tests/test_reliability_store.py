"""Store files damaged by hand, seen through the command line (real subprocesses).

Every case: one clear sentence naming the file and what to do, the damaged bytes kept (moved
aside or left in place), nothing wiped, no traceback.
"""

from __future__ import annotations

import json
import shutil
import stat

import pytest
from helpers.cli import aa
from helpers.scanning import make_client, run_scan

from aa_tui.demo.server import DemoOptions, DemoServer
from aa_tui.model.errors import Cancelled
from aa_tui.store.store import Store


@pytest.fixture(scope="module")
def one_scan(small_site, tmp_path_factory):
    """A data dir holding one complete (metadata) scan made by the CLI."""
    data = tmp_path_factory.mktemp("one-scan") / "data"
    with DemoServer(small_site, DemoOptions()) as server:
        args = ["scan", "--site", server.base_url, "--email", server.email, "--quiet"]
        result = aa([*args, "--verify", "metadata"], data, token=server.token)
    assert result.returncode == 0, result.stderr
    store = Store(data)
    (info,) = store.list_scans()
    store.close()
    return data, info.id


@pytest.fixture
def scanned(one_scan, tmp_path):
    """A private copy of ``one_scan`` to damage."""
    source, scan_id = one_scan
    data = tmp_path / "data"
    shutil.copytree(source, data)
    return data, scan_id


def clean(result) -> str:
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    return result.stderr


INDEX_DAMAGE = {
    "truncated": lambda raw: raw[: len(raw) // 2],
    "not JSON": lambda raw: b"this is not JSON at all\n",
    "not an object": lambda raw: b"[1, 2, 3]",
    "a table that is not records": lambda raw: b'{"meta": []}',
    "a scan row that cannot be read": lambda raw: (
        b'{"meta": {"1": {"schema": 1}}, "scans": {"1": {"id": 5}}}'
    ),
}


@pytest.mark.parametrize("damage", list(INDEX_DAMAGE))
def test_damaged_index_is_moved_aside_never_wiped(scanned, damage):
    data, scan_id = scanned
    index = data / "aa-tui.json"
    damaged = INDEX_DAMAGE[damage](index.read_bytes())
    index.write_bytes(damaged)
    result = aa(["scans"], data)
    assert result.returncode == 0
    message = clean(result)
    (aside,) = data.glob("aa-tui.json.damaged-*")
    assert aside.read_bytes() == damaged  # kept, byte for byte
    assert f"The store file {index}" in message and f"moved aside to {aside}" in message
    assert "nothing deleted" in message and "Restore a backup" in message
    # A fresh, private index replaced it; the scan's own files were not touched.
    assert stat.S_IMODE(index.stat().st_mode) == 0o600
    assert json.loads(index.read_bytes())["meta"]["1"]["schema"] == 1
    assert (data / "scans" / scan_id / "summary.json").exists()
    # A second damage never overwrites the first copy kept aside.
    index.write_bytes(b"{")
    clean(aa(["scans"], data))
    assert len(list(data.glob("aa-tui.json.damaged-*"))) == 2
    assert aside.read_bytes() == damaged


def test_unknown_schema_version_is_refused_and_left_untouched(scanned):
    data, _ = scanned
    index = data / "aa-tui.json"
    content = json.loads(index.read_bytes())
    content["meta"]["1"]["schema"] = 99
    raw = json.dumps(content).encode()
    index.write_bytes(raw)
    result = aa(["scans"], data)
    assert result.returncode == 2
    message = clean(result)
    assert f"The store {index} has schema version 99" in message
    assert "Upgrade aa-tui" in message and "--data-dir" in message
    assert index.read_bytes() == raw
    assert not list(data.glob("aa-tui.json.damaged-*"))


@pytest.mark.parametrize(
    ("name", "damage"),
    [
        ("summary.json", lambda raw: raw[: len(raw) // 2]),
        ("groups.json", lambda raw: b"<html>not json</html>"),
    ],
)
def test_damaged_scan_files_are_named_and_left_as_they_are(scanned, tmp_path, name, damage):
    data, scan_id = scanned
    path = data / "scans" / scan_id / name
    damaged = damage(path.read_bytes())
    path.write_bytes(damaged)
    result = aa(["report", scan_id, "--json", str(tmp_path / "out.json")], data)
    assert result.returncode == 2
    message = clean(result)
    assert str(path) in message and "run the scan again" in message
    assert path.read_bytes() == damaged
    assert not (tmp_path / "out.json").exists()
    # The rest of the store still works.
    listing = aa(["scans"], data)
    assert listing.returncode == 0 and scan_id in listing.stdout


def test_garbled_journal_line_resumes_from_what_came_before(demo_server, small_site, tmp_path):
    data = tmp_path / "data"
    store = Store(data)
    client = make_client(demo_server)

    def stop_while_hashing(event):
        # Files are read size group by size group: the heads phase spans most of the reading.
        if event.phase in ("probing heads", "probing tails", "hashing") and event.done >= 2:
            client.cancel.set()

    with pytest.raises(Cancelled):
        run_scan(demo_server, store, listener=stop_while_hashing, client=client)
    (info,) = store.list_scans()
    journal = store.scan_dir(info.id) / "journal.jsonl"  # damaged by hand below
    store.close()
    lines = journal.read_bytes().splitlines(keepends=True)
    assert len(lines) > 4
    middle = len(lines) // 2
    lines[middle] = lines[middle][:10] + b"\x00garbage\n"
    journal.write_bytes(b"".join(lines))
    args = ["scan", "--site", demo_server.base_url, "--email", demo_server.email, "--resume"]
    result = aa([*args, "--json", str(tmp_path / "r.json")], data, token=demo_server.token)
    assert result.returncode == 0, result.stderr
    clean(result)
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["scan"]["id"] == info.id
    groups = {
        frozenset(x["attachment_id"] for x in g["locations"]) for g in report["duplicate_groups"]
    }
    assert groups == small_site.truth.groups


def test_a_file_that_cannot_be_written_is_named_as_asked_not_as_its_temp_file():
    """A tester's `report --html /proc/x.html` said '/proc/.x.html.73uh0snk.tmp'."""
    from pathlib import Path

    import pytest

    from aa_tui.service.errors import describe
    from aa_tui.store.atomic import write_atomic

    target = Path("/proc/aa-tui-report.html")  # no file can be made there, even by root
    with pytest.raises(OSError) as raised:
        write_atomic(target, b"<html>")
    assert raised.value.filename == str(target)
    said = describe(raised.value).message
    assert "(/proc/aa-tui-report.html)" in said and ".tmp" not in said


def test_a_full_disk_while_writing_names_the_file_asked_for_and_says_to_free_space(tmp_path):
    """A write or fsync that fails (a full disk: its error names no file) is said of the file
    asked for, with what to do; no temp file is left."""
    import errno

    import pytest

    from aa_tui.service.errors import describe
    from aa_tui.store.atomic import atomic_writer

    target = tmp_path / "report.json"
    with pytest.raises(OSError) as raised, atomic_writer(target) as handle:
        handle.write(b"{")
        raise OSError(errno.ENOSPC, "No space left on device")  # as handle.write would
    said = describe(raised.value).message
    assert said == (
        f"No space left on device ({target}). Free some space there (or choose another place) "
        "and try again."
    )
    assert list(tmp_path.iterdir()) == []


def test_an_error_of_another_file_inside_the_block_keeps_its_own_name(tmp_path):
    import pytest

    from aa_tui.store.atomic import atomic_writer

    with pytest.raises(FileNotFoundError) as raised, atomic_writer(tmp_path / "out.json"):
        open(tmp_path / "the-source.json", "rb")  # noqa: SIM115 - it fails
    assert raised.value.filename == str(tmp_path / "the-source.json")
