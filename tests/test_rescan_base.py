"""A rescan's base read back from the store: its records a row at a time (never every row's
dict at once), the same records whichever way the file is laid out."""

from __future__ import annotations

import orjson
from helpers.scanning import run_scan

from aa_tui.scan.rescan import load_base


def test_the_base_is_read_a_row_at_a_time_and_equals_the_saved_records(demo_server, store):
    first = run_scan(demo_server, store)
    base = load_base(store, first.info)
    assert base is not None
    saved = {a["attachment_id"]: a for a in store.load_attachments(first.info.id)}
    got = {r.attachment_id: r.to_dict() for rs in base.by_issue.values() for r in rs}
    assert got == saved and len(saved) > 100
    # repeated texts are one object each, as in a scan's own records
    statuses = {id(r.status) for rs in base.by_issue.values() for r in rs}
    assert len(statuses) == len({r.status for rs in base.by_issue.values() for r in rs})

    # a layout the one-at-a-time reader refuses (another table first): read whole, same records
    path = store.scan_dir(first.info.id) / "attachments.json"
    table = orjson.loads(path.read_bytes())["_default"]
    path.write_bytes(orjson.dumps({"other": {}, "_default": table}))
    again = load_base(store, first.info)
    assert again is not None
    assert {r.attachment_id: r.to_dict() for rs in again.by_issue.values() for r in rs} == saved
