"""What a perfect scan of the demo site must find (the answer key for tests and benchmarks)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Trap:
    """Two attachments that look alike but must never be grouped.

    ``kind`` is one of ``same_name_size`` (other bytes), ``tail_differs`` (last byte),
    ``head_differs`` (first byte), ``middle_differs`` (a middle byte: only a full hash
    separates them) and ``small_near_copy`` (a file under 4 KiB with one byte changed).
    """

    kind: str
    original: str
    variant: str


@dataclass(slots=True)
class SiteTruth:
    """The exact answer for a set of attachments.

    Counting rule: ``total_files``, ``total_size``, ``zero_byte_files`` and
    ``issues_with_attachments`` count **every** attachment in scope, readable or not.
    ``groups`` hold attachment ids (strings) with identical bytes, counting only **readable**
    attachments (not answering 403/404) of size > 0, with at least 2 such copies; zero-byte
    files are never a group. ``duplicate_files`` is the number of copies beyond the first in
    every group and ``duplicate_size`` the sum of ``(copies - 1) * size``.
    """

    groups: set[frozenset[str]]
    group_size: dict[frozenset[str], int]  # bytes of one copy, per group
    total_issues: int
    issues_with_attachments: int
    total_files: int
    total_size: int
    zero_byte_files: int
    duplicate_files: int
    duplicate_size: int
    unreadable: set[str]
    unreadable_403: set[str]
    unreadable_404: set[str]
    traps: tuple[Trap, ...] = ()
    projects: tuple[str, ...] = ()
    small_copy_groups: int = 0  # groups whose files are under 4 KiB
    extra: dict[str, int] = field(default_factory=dict)

    @property
    def duplicate_groups(self) -> int:
        return len(self.groups)

    @property
    def unreadable_files(self) -> int:
        return len(self.unreadable)

    @property
    def canonical_files(self) -> int:
        return self.total_files - self.duplicate_files

    @property
    def waste_pct(self) -> float:
        return 100.0 * self.duplicate_size / self.total_size if self.total_size else 0.0

    def group_of(self, attachment_id: str) -> frozenset[str] | None:
        """The group holding ``attachment_id``, if any."""
        for group in self.groups:
            if attachment_id in group:
                return group
        return None

    def summary(self) -> str:
        """One line for humans."""
        return (
            f"{self.total_issues:,} issues ({self.issues_with_attachments:,} with attachments), "
            f"{self.total_files:,} attachments, {_mb(self.total_size)}; "
            f"{self.duplicate_groups:,} duplicate groups, {self.duplicate_files:,} redundant "
            f"copies wasting {_mb(self.duplicate_size)} ({self.waste_pct:.1f}%); "
            f"{self.zero_byte_files} zero-byte, {self.unreadable_files} unreadable"
        )


def _mb(size: int) -> str:
    return f"{size / 1_000_000:,.1f} MB"
