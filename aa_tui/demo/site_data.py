"""The generated demo site as compact arrays (1,000,000 issues fit) and its lookups: ids and
keys, sizes and bytes, and the answer key a scan must find (:meth:`DemoData.truth_for`).

:mod:`aa_tui.demo.generator` builds a :class:`DemoData`; everything else of the demo reads one.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from aa_tui.demo import catalog as cat
from aa_tui.demo.content import ContentSpec, iter_spec, read_spec
from aa_tui.demo.truth import SiteTruth, Trap

ALL_KINDS: tuple[cat.FileKind, ...] = (*cat.KINDS, cat.BIG_KIND)
SMALL = 4096  # "small" files: a head range covers them whole
FLAG_OK, FLAG_403, FLAG_404 = 0, 1, 2
_MASK64 = (1 << 64) - 1


def mix64(*values: int) -> int:
    """A splitmix64-style hash of integers: stable across runs and platforms."""
    h = 0x9E3779B97F4A7C15
    for v in values:
        h = (h ^ (v & _MASK64)) * 0xBF58476D1CE4E5B9 & _MASK64
        h = (h ^ (h >> 31)) * 0x94D049BB133111EB & _MASK64
        h ^= h >> 29
    return h


@dataclass(slots=True)
class DemoData:
    """A generated site. Issue ``i`` (0-based) has id ``10000 + i``; attachment ``j`` has id
    ``30000 + j``. Per-object data lives in parallel arrays; JSON is built per request."""

    seed: int
    profile: str
    issue_project: array[int]  # B: index into catalog.PROJECTS
    issue_num: array[int]  # L: number in the project key
    issue_status: array[int]  # B: index into catalog.STATUSES
    issue_created: array[int]  # q: epoch seconds
    issue_updated: array[int]  # q
    att_start: array[int]  # L: attachments of issue i are att_start[i]:att_start[i+1]
    att_issue: array[int]  # L
    att_name: list[str]
    att_kind: array[int]  # B: index into ALL_KINDS
    att_author: array[int]  # b: index into catalog.USERS, -1 = removed user (no author)
    att_created: array[int]  # q
    att_content: array[int]  # L: content id
    att_flag: array[int]  # B: FLAG_OK / FLAG_403 / FLAG_404 on download
    c_seed: array[int]  # Q: per content id
    c_size: array[int]  # q
    c_mut: dict[int, tuple[tuple[int, int], ...]]
    traps: tuple[Trap, ...]
    project_issues: list[array[int]] = field(repr=False)  # per project: issue indices, key order
    _truth: SiteTruth | None = field(default=None, repr=False)

    # ---- sizes and ids -------------------------------------------------------------------
    @property
    def issue_count(self) -> int:
        return len(self.issue_project)

    @property
    def attachment_count(self) -> int:
        return len(self.att_issue)

    @property
    def cloud_id(self) -> str:
        h = f"{mix64(self.seed, 0xC10D):016x}{mix64(self.seed, 0x1D):016x}"
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"

    def issue_id(self, i: int) -> str:
        return str(cat.ISSUE_ID_BASE + i)

    def issue_key(self, i: int) -> str:
        return f"{cat.PROJECTS[self.issue_project[i]].key}-{self.issue_num[i]}"

    def issue_index(self, id_or_key: str | int) -> int | None:
        """Index of an issue given its id (``"10042"``) or key (``"OPS-7"``), else None."""
        text = str(id_or_key).strip()
        if text.isdigit():
            i = int(text) - cat.ISSUE_ID_BASE
            return i if 0 <= i < self.issue_count else None
        pkey, _, num = text.upper().rpartition("-")
        p = self.project_index(pkey)
        if p is None or not num.isdigit():
            return None
        n = int(num)
        issues = self.project_issues[p]
        return issues[n - 1] if 1 <= n <= len(issues) else None

    def project_index(self, key_or_name: str) -> int | None:
        text = key_or_name.strip()
        for p, info in enumerate(cat.PROJECTS):
            if text.upper() == info.key or text.lower() == info.name.lower():
                return p
            if text == str(cat.PROJECT_ID_BASE + p):
                return p
        return None

    def summary(self, i: int) -> str:
        h = mix64(self.seed, i, 0x5A)
        return (
            cat.SUMMARY_VERBS[h % len(cat.SUMMARY_VERBS)]
            + " "
            + cat.SUMMARY_OBJECTS[(h >> 8) % len(cat.SUMMARY_OBJECTS)]
            + cat.SUMMARY_TAILS[(h >> 16) % len(cat.SUMMARY_TAILS)]
        )

    def attachments_of(self, i: int) -> range:
        return range(self.att_start[i], self.att_start[i + 1])

    def attachment_id(self, j: int) -> str:
        return str(cat.ATTACHMENT_ID_BASE + j)

    def attachment_index(self, attachment_id: str | int) -> int | None:
        text = str(attachment_id).strip()
        if not text.isdigit():
            return None
        j = int(text) - cat.ATTACHMENT_ID_BASE
        return j if 0 <= j < self.attachment_count else None

    def attachment_size(self, j: int) -> int:
        return self.c_size[self.att_content[j]]

    def mime_type(self, j: int) -> str:
        return ALL_KINDS[self.att_kind[j]].mime

    def download_status(self, j: int) -> int:
        """200, or the 403/404 this attachment answers on download."""
        return (200, 403, 404)[self.att_flag[j]]

    # ---- bytes ---------------------------------------------------------------------------
    def spec(self, attachment_id: str | int) -> ContentSpec:
        """The content spec of an attachment id."""
        return self.spec_at(self._index(attachment_id))

    def spec_at(self, j: int) -> ContentSpec:
        """The content spec of attachment index ``j``."""
        cid = self.att_content[j]
        return ContentSpec(self.c_seed[cid], self.c_size[cid], self.c_mut.get(cid, ()))

    def read(self, attachment_id: str | int, start: int = 0, end: int | None = None) -> bytes:
        """Bytes ``[start, end)`` of an attachment (``end`` defaults to its size)."""
        return read_spec(self.spec(attachment_id), start, end)

    def iter_bytes(
        self, attachment_id: str | int, start: int = 0, end: int | None = None
    ) -> Iterator[bytes]:
        """Bytes ``[start, end)`` in pieces of at most 64 KiB (constant memory)."""
        return iter_spec(self.spec(attachment_id), start, end)

    def _index(self, attachment_id: str | int) -> int:
        j = self.attachment_index(attachment_id)
        if j is None:
            raise KeyError(f"no attachment {attachment_id!r}")
        return j

    # ---- truth ---------------------------------------------------------------------------
    @property
    def truth(self) -> SiteTruth:
        """The answer key for the whole site (see :class:`SiteTruth` for the counting rule)."""
        if self._truth is None:
            self._truth = self.truth_for()
        return self._truth

    def truth_for(
        self, projects: Iterable[str] | None = None, exclude: Iterable[str] = ()
    ) -> SiteTruth:
        """The answer key restricted to ``projects`` (keys), without the ``exclude``d ids
        (e.g. attachments deleted on a running server)."""
        allowed = None
        if projects is not None:
            allowed = {p for p, info in enumerate(cat.PROJECTS) if info.key in set(projects)}
        skip = {j for j in (self.attachment_index(a) for a in exclude) if j is not None}
        counts: dict[int, int] = {}
        total_files = total_size = zero = 0
        issues_with = set()
        un403: set[str] = set()
        un404: set[str] = set()
        in_scope: list[int] = []
        c_size, att_content, att_flag = self.c_size, self.att_content, self.att_flag
        att_issue, issue_project = self.att_issue, self.issue_project
        for j in range(self.attachment_count):
            if j in skip:
                continue
            i = att_issue[j]
            if allowed is not None and issue_project[i] not in allowed:
                continue
            issues_with.add(i)
            cid = att_content[j]
            size = c_size[cid]
            total_files += 1
            total_size += size
            if size == 0:
                zero += 1
                continue
            flag = att_flag[j]
            if flag:
                (un403 if flag == FLAG_403 else un404).add(self.attachment_id(j))
                continue
            in_scope.append(j)
            counts[cid] = counts.get(cid, 0) + 1
        members: dict[int, list[str]] = {}
        for j in in_scope:
            cid = att_content[j]
            if counts[cid] >= 2:
                members.setdefault(cid, []).append(self.attachment_id(j))
        groups: set[frozenset[str]] = set()
        group_size: dict[frozenset[str], int] = {}
        dup_files = dup_size = small = 0
        for cid, ids in members.items():
            g = frozenset(ids)
            groups.add(g)
            group_size[g] = c_size[cid]
            dup_files += len(ids) - 1
            dup_size += (len(ids) - 1) * c_size[cid]
            small += c_size[cid] < SMALL
        keys = tuple(
            info.key for p, info in enumerate(cat.PROJECTS) if allowed is None or p in allowed
        )
        return SiteTruth(
            groups=groups,
            group_size=group_size,
            total_issues=sum(1 for p in self.issue_project if allowed is None or p in allowed),
            issues_with_attachments=len(issues_with),
            total_files=total_files,
            total_size=total_size,
            zero_byte_files=zero,
            duplicate_files=dup_files,
            duplicate_size=dup_size,
            unreadable=un403 | un404,
            unreadable_403=un403,
            unreadable_404=un404,
            traps=tuple(
                t
                for t in self.traps
                if allowed is None
                or (
                    issue_project[att_issue[self._index(t.original)]] in allowed
                    and issue_project[att_issue[self._index(t.variant)]] in allowed
                )
            ),
            projects=keys,
            small_copy_groups=small,
        )
