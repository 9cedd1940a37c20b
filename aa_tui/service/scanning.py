"""Running one scan for either face: the client, the engine, cancellation, the scan's id."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime

from aa_tui.jira.errors import AuthError, QueryRejected
from aa_tui.jira.jql import validate_project_keys
from aa_tui.jira.protocol import JiraSite
from aa_tui.jira.site import normalize_site_url
from aa_tui.model.accounts import is_data_center
from aa_tui.model.enums import VerifyMode
from aa_tui.model.errors import Cancelled
from aa_tui.model.events import ScanProgress
from aa_tui.model.records import Scope
from aa_tui.scan.engine import ScanEngine
from aa_tui.scan.request import ScanOutcome, ScanRequest
from aa_tui.service.errors import InputError
from aa_tui.service.wording import VERIFY, WORKERS
from aa_tui.store.store import Store

__all__ = ["Cancelled", "ScanOutcome", "ScanRequest", "ScanRun", "project_keys", "scan_request"]


def project_keys(projects: str | list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Project keys as typed (``KEY,KEY`` or a list), checked and upper-cased, each once; an
    error names the first that is not a Jira project key (so no text reaches JQL unchecked)."""
    if isinstance(projects, str):
        projects = projects.split(",")
    return validate_project_keys(list(projects))


class ScanRun:
    """One scan (new or resumed), run in the calling thread by :meth:`run`.

    :meth:`cancel` may be called from any thread: the engine stops between reads and records
    the scan as cancelled (resumable). :attr:`scan_id` is known as soon as the engine has
    opened the scan (at once when resuming a named scan): from then on the scan is this run's.
    """

    def __init__(
        self,
        store: Store,
        request: ScanRequest,
        connect: Callable[[], JiraSite],
        *,
        listener: Callable[[ScanProgress], None] | None = None,
        clock: Callable[[], datetime] | None = None,
        cancel: threading.Event | None = None,
    ) -> None:
        self.request = request
        self.scan_id = request.resume_id
        self._store = store
        self._connect = connect
        self._listener = listener
        self._clock = clock
        self._cancel = cancel or threading.Event()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()

    def run(self) -> ScanOutcome:
        """Sign in, scan, save; raises what stopped it (``Cancelled`` when cancelled)."""
        client = self._connect()
        client.cancel = self._cancel
        try:
            engine = ScanEngine(
                client,
                self._store,
                self.request,
                listener=self._listener,
                clock=self._clock,
                on_opened=self._opened,
            )
            return engine.run()
        finally:
            client.close()

    def _opened(self, scan_id: str) -> None:
        self.scan_id = scan_id

    def can_continue(self) -> bool:
        """After a failure: whether the store holds this scan's checkpoint to go on from."""
        info = self._store.get_scan(self.scan_id) if self.scan_id else None
        return info is not None and self._store.can_resume(info)


def same_run_can_fix(error: BaseException) -> bool:
    """Whether running the stopped scan again, with the same scope and token, may get past
    ``error``: not when Jira refused the scope's query (the scan is never resumable then) or
    the credentials (a new token first; the scan itself stays resumable)."""
    return not isinstance(error, (QueryRejected, AuthError))


def scan_request(
    site: str,
    email: str,
    *,
    projects: str | list[str] | tuple[str, ...] = (),
    jql: str = "",
    verify: VerifyMode | str = VerifyMode.EXACT,
    resume: bool = False,
    resume_id: str = "",
    workers: int = 8,
    allow_insecure_http: bool = False,
    full: bool = False,
) -> ScanRequest:
    """A checked :class:`ScanRequest` from what a user typed; an error says what is wrong.

    The site URL is normalised (https only, http for loopback; a Data Center account keeps its
    path, where such sites often live), project keys are validated
    (``KEY,KEY`` or a list), the JQL is kept as typed (the engine parenthesises it).
    """
    if workers < 1:
        raise InputError(WORKERS, " must be at least 1.")
    try:
        mode = VerifyMode(verify)
    except ValueError:
        raise InputError(VERIFY, f" must be 'exact' or 'metadata', not {verify!r}.") from None
    return ScanRequest(
        site=normalize_site_url(
            site, allow_insecure_http=allow_insecure_http, keep_path=is_data_center(email)
        ),
        email=email,
        scope=Scope(projects=project_keys(projects), jql=jql.strip()),
        verify=mode,
        resume=resume,
        resume_id=resume_id,
        workers=workers,
        full=full,
    )
