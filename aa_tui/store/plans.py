"""Cleanup plans in the store: a short row per plan in the index (TinyDB table ``plans``) and
the plan itself in its own file, written once, atomically.

Layout under the data dir::

    plans/<plan id>/plan.json     the plan: every file to remove and its proof (the kept copy)
    plans/<plan id>/audit.jsonl   the write-ahead journal of applying it (aa_tui.store.audit)

Plans live beside the scans, not inside them: deleting a scan from History keeps the record
of every deletion made from it.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from aa_tui.model.cleanup import Plan
from aa_tui.store.atomic import StoreDamagedError, read_json_file, write_atomic
from aa_tui.store.store import Store, StoreError

PLANS_DIR = "plans"
TABLE = "plans"
PLAN_FORMAT = "aa-tui.plan/1"
#: a plan that deletes an only copy: versions that know only redundant copies refuse to read it
PLAN_FORMAT_ONLY_COPIES = "aa-tui.plan/2"
READABLE_FORMATS = (PLAN_FORMAT, PLAN_FORMAT_ONLY_COPIES)


def new_plan_id() -> str:
    return "p" + time.strftime("%Y%m%d-%H%M%S", time.gmtime()) + "-" + secrets.token_hex(2)


@dataclass(frozen=True)
class PlanRow:
    """A plan as the index knows it: enough to list plans and find one to resume."""

    id: str
    scan_id: str
    site: str
    email: str
    created_at: str
    files: int
    size: int
    filters: str  # the filters, described
    status: str = "saved"  # saved (never applied), applying (started, unfinished), done
    started_at: str = ""
    finished_at: str = ""

    @property
    def unfinished(self) -> bool:
        return self.status == "applying"

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PlanRow:
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in known})


class PlanStore:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.root = store.data_dir / PLANS_DIR
        self._table = store.index_table(TABLE)

    def plan_dir(self, plan_id: str) -> Path:
        if not plan_id or "/" in plan_id or plan_id.startswith(".") or "\\" in plan_id:
            raise StoreError(f"{plan_id!r} is not a plan id.")
        return self.root / plan_id

    def save(self, plan: Plan) -> None:
        """Write the plan's file, then its index row (a row always has its file); one hold
        of the store's lock, so no other process saves the same plan in between."""
        with self.store.locked():
            self._save(plan)

    def _save(self, plan: Plan) -> None:
        if self._table.get(plan.id) is not None:
            raise StoreError(f"Plan {plan.id} is saved already; plans never change.")
        self.root.mkdir(mode=0o700, exist_ok=True)
        folder = self.plan_dir(plan.id)
        folder.mkdir(mode=0o700, exist_ok=True)
        kind = PLAN_FORMAT_ONLY_COPIES if plan.only_copies else PLAN_FORMAT
        body = {"format": kind, **plan.to_dict()}
        write_atomic(folder / "plan.json", orjson.dumps(body))
        row = PlanRow(
            id=plan.id,
            scan_id=plan.scan_id,
            site=plan.site,
            email=plan.email,
            created_at=plan.created_at,
            files=plan.files,
            size=plan.size,
            filters=plan.filters.describe(),
        )
        self._table.upsert(row.to_dict())

    def load(self, plan_id: str) -> Plan:
        path = self.plan_dir(plan_id) / "plan.json"
        try:
            data = read_json_file(path)
        except StoreDamagedError as exc:
            raise StoreError(
                f"{exc} The plan cannot be read (the file was left as it is)."
            ) from None
        if data is None:
            raise StoreError(f"No plan {plan_id!r} in the store ({path} is missing).")
        if not isinstance(data, dict) or data.get("format") not in READABLE_FORMATS:
            raise StoreError(f"The plan file {path} is not an aa-tui plan this version reads.")
        try:
            return Plan.from_dict(data)
        except (KeyError, TypeError, ValueError):
            raise StoreError(f"The plan file {path} is damaged (a field is missing).") from None

    def row(self, plan_id: str) -> PlanRow | None:
        data = self._table.get(plan_id)
        return PlanRow.from_dict(data) if data else None

    def rows(self, scan_id: str | None = None, site: str | None = None) -> list[PlanRow]:
        """Newest first; only one scan's or one site's when asked."""
        rows = [PlanRow.from_dict(r) for r in self._table.all()]
        rows = [
            r
            for r in rows
            if (scan_id is None or r.scan_id == scan_id) and (site is None or r.site == site)
        ]
        return sorted(rows, key=lambda r: (r.created_at, r.id), reverse=True)

    def mark(self, plan_id: str, **changes: Any) -> None:
        """Update the index row (``status``, ``started_at``, ``finished_at``)."""
        self._table.update(plan_id, **changes)
