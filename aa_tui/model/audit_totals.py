"""What the audit's files add up to: deleted and freed, and how much of that a restore put
back (every other figure of the app is net of restores: the audit's totals say so too)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from aa_tui.model.cleanup import AuditEntry, Outcome
from aa_tui.model.units import counted, size_text


@dataclass(frozen=True)
class AuditTotals:
    """The files aa-tui deleted and the bytes that freed; of those, the files a restore put
    back and their bytes."""

    deleted: int = 0
    freed: int = 0
    restored: int = 0
    restored_size: int = 0

    @classmethod
    def of(cls, entries: Iterable[AuditEntry]) -> AuditTotals:
        deleted = freed = restored = restored_size = 0
        for e in entries:
            if e.outcome is Outcome.DELETED:
                deleted += 1
                freed += e.size
                if e.restored_as:
                    restored += 1
                    restored_size += e.size
        return cls(deleted, freed, restored, restored_size)

    def restored_since(self) -> str:
        """The words said after the deleted and freed figures: "; 3 files restored since
        (1.2 MiB back on Jira)", or "" when none was."""
        if not self.restored:
            return ""
        back = size_text(self.restored_size)
        return f"; {counted(self.restored, 'file')} restored since ({back} back on Jira)"
