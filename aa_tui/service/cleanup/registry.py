"""Every cleanup policy by the name the faces offer (``clean --policy NAME``)."""

from __future__ import annotations

from aa_tui.model.cleanup import DUPLICATES
from aa_tui.service.cleanup.duplicates import Duplicates
from aa_tui.service.cleanup.offload import HYGIENE, IDLE, INACTIVE, LARGEST, STALE
from aa_tui.service.cleanup.policy import CleanupPolicy
from aa_tui.service.errors import InputError

#: the names, in the order a face lists them (duplicates first: the default)
POLICY_NAMES = (DUPLICATES, "stale", "hygiene", "idle", "inactive", "largest")

_OFFLOAD = {p.name: p for p in (STALE, HYGIENE, IDLE, INACTIVE, LARGEST)}


def policy_named(name: str) -> CleanupPolicy:
    """The policy called ``name`` (one sentence naming the others when there is none)."""
    if name == DUPLICATES:
        return Duplicates()
    found = _OFFLOAD.get(name)
    if found is None:
        raise InputError(
            f"There is no cleanup policy called {name!r}: choose one of {', '.join(POLICY_NAMES)}."
        )
    return found
