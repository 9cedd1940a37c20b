"""The one way in for both faces: saved sites and tokens, scans, results, exports.

``aa_tui.cli`` and ``aa_tui.tui`` parse input and render; everything they do to the store, the
keyring or a Jira site goes through a :class:`Workspace`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aa_tui import credentials
from aa_tui.jira.auth import auth_for
from aa_tui.jira.connect import connect
from aa_tui.jira.governor import RateGovernor
from aa_tui.jira.jql import build_scan_jql
from aa_tui.jira.protocol import Identity, JiraSite, ServerInfo
from aa_tui.locations import data_dir as resolve_data_dir
from aa_tui.logs import register_secret
from aa_tui.model.enums import VerifyMode
from aa_tui.model.events import ScanProgress
from aa_tui.model.forecast import Forecast
from aa_tui.model.insights import (
    FileList,
    FileRow,
    GroupChanges,
    Insights,
    InsightSettings,
    MonthRow,
)
from aa_tui.model.records import Scope
from aa_tui.model.scans import Profile, ScanInfo
from aa_tui.model.summary import Cleaned
from aa_tui.service.forecast import forecast_of
from aa_tui.service.insights import (
    GroupOfScan,
    file_list_of,
    files_of,
    group_changes_of,
    group_of_scan,
    insights_of,
    months_of_project,
)
from aa_tui.service.retention import Pruned, prune_line, resumed_bases
from aa_tui.service.scanning import ScanRequest, ScanRun
from aa_tui.store.basis import basis_looks_whole
from aa_tui.store.results import ScanResults
from aa_tui.store.store import Store

# The keyring, cleanup's and exports' modules load when first used: ~0.1 s of a scan's start.
if TYPE_CHECKING:
    import keyring.backend

    from aa_tui.service.after_cleanup import AfterCleanup
    from aa_tui.service.cleanup import Cleanup, Removed
    from aa_tui.service.exports import Export, FileListExport

__all__ = ["ScanResults", "Workspace"]


#: the index table of per-site settings (rows keyed by the site's URL)
SITE_SETTINGS = "site_settings"


class Workspace:
    """A store (the data dir) plus where tokens come from: memory (the demo site), the
    ``JIRA_API_TOKEN`` environment variable, or the OS keyring.

    ``governor_factory`` and ``clock`` let tests make scans fast and their dates stable.
    """

    def __init__(
        self,
        store: Store,
        *,
        keyring_backend: keyring.backend.KeyringBackend | None = None,
        memory_tokens: dict[str, str] | None = None,
        clock: Callable[[], datetime] | None = None,
        governor_factory: Callable[[], RateGovernor] | None = None,
    ) -> None:
        self._store = store
        self.keyring_backend = keyring_backend
        self.clock = clock
        self.governor_factory = governor_factory
        self._memory = dict(memory_tokens or {})
        self._memory_labels: dict[str, str] = {}
        for token in self._memory.values():
            register_secret(token)

    @classmethod
    def open(cls, data_dir: str | Path | None = None, **options: Any) -> Workspace:
        """The store under ``data_dir``, else ``$AA_TUI_DATA_DIR``, else the user data dir."""
        return cls(Store(resolve_data_dir(data_dir)), **options)

    @property
    def data_dir(self) -> Path:
        return self._store.data_dir

    @property
    def warnings(self) -> list[str]:
        """What opening the store had to say (a damaged index moved aside, ...)."""
        return self._store.warnings

    def close(self) -> None:
        self._store.close()

    # -- tokens ---------------------------------------------------------------------------------
    def in_memory(self, profile: Profile) -> bool:
        return profile.key in self._memory

    def remember_token(
        self, profile: Profile, token: str, *, label: str = "this session only"
    ) -> None:
        """Keep a token for this process only (the demo site's, or any with no keyring);
        ``label`` is how :meth:`token_source` names it."""
        register_secret(token)
        self._memory[profile.key] = token
        self._memory_labels[profile.key] = label

    def token_source(self, profile: Profile, *, keyring_usable: bool | None = None) -> str:
        """Where the profile's token comes from, in a few words (``keyring_usable``: the
        answer of :meth:`keyring_status`, when the caller has it)."""
        if profile.key in self._memory:
            return self._memory_labels.get(profile.key, "this session only")
        if self.token_in_environment:
            return "JIRA_API_TOKEN"
        if keyring_usable is None:
            keyring_usable = self.keyring_status()[0]
        return "OS keyring" if keyring_usable else "none (no keyring)"

    def token_for(self, profile: Profile) -> str | None:
        """The profile's token: memory (demo), else ``JIRA_API_TOKEN``, else the keyring."""
        if profile.key in self._memory:
            return self._memory[profile.key]
        token = credentials.get_token(profile.site, profile.email, backend=self.keyring_backend)
        register_secret(token or "")  # whatever quotes it later, the log file masks it
        return token

    def save_token(self, profile: Profile, token: str) -> None:
        register_secret(token)
        if profile.key in self._memory:
            self._memory[profile.key] = token
            return
        credentials.save_token(profile.site, profile.email, token, backend=self.keyring_backend)

    def delete_token(self, profile: Profile) -> None:
        self._memory_labels.pop(profile.key, None)
        if self._memory.pop(profile.key, None) is not None:
            return
        credentials.delete_token(profile.site, profile.email, backend=self.keyring_backend)

    @property
    def token_in_environment(self) -> bool:
        """``JIRA_API_TOKEN`` is set: it serves every site this process reaches."""
        return credentials.token_from_env()

    def keyring_status(self) -> tuple[bool, str]:
        return credentials.keyring_status(self.keyring_backend)

    # -- profiles -------------------------------------------------------------------------------
    def list_profiles(self) -> list[Profile]:
        return self._store.list_profiles()

    def save_profile(self, profile: Profile) -> None:
        self._store.save_profile(profile)

    def delete_profile(self, profile: Profile) -> None:
        self._store.delete_profile(profile.site, profile.email)

    # -- a site ---------------------------------------------------------------------------------
    def _client(
        self,
        site: str,
        email: str,
        token: str,
        *,
        workers: int | None = None,
        allow_insecure_http: bool = False,
    ) -> JiraSite:
        """Every client aa-tui makes: the only place a governor is built. ``email`` is the
        account as kept with profiles and scans: an email (Jira Cloud's API token),
        ``user:NAME`` (Data Center, Basic) or ``pat:`` (Data Center, a personal access token)."""
        if self.governor_factory is not None:
            governor = self.governor_factory()
        else:
            governor = RateGovernor(max_concurrency=workers) if workers else RateGovernor()
        return connect(
            site,
            auth_for(email, token),
            governor=governor,
            allow_insecure_http=allow_insecure_http,
        )

    def sign_in(self, site: str, email: str, token: str) -> Identity:
        """Who the token signs in as (the connection test)."""
        with self._client(site, email, token) as client:
            return client.myself()

    def test_connection(self, site: str, email: str, token: str) -> tuple[Identity, ServerInfo]:
        """The Sites form's test: what the site is (its ``serverInfo``, refused with a sentence
        where the account's kind cannot serve it: Cloud against Data Center, or a version too
        old) and who the token signs in as."""
        with self._client(site, email, token) as client:
            return client.myself(), client.server_info()

    def projects(self, site: str, email: str, token: str) -> list[dict[str, Any]]:
        """The projects the account can browse (``key``, ``name``)."""
        with self._client(site, email, token) as client:
            return client.projects()

    def issues_to_scan(self, site: str, email: str, token: str, scope: Scope) -> int | None:
        """About how many issues (with attachments) a scan of ``scope`` reads: Jira's
        approximate count, None when it does not say (a refused token or an unreachable site
        raises, as the scan would)."""
        with self._client(site, email, token) as client:
            return client.approximate_count(build_scan_jql(scope.projects, scope.jql))

    # -- scans ----------------------------------------------------------------------------------
    def list_scans(self) -> list[ScanInfo]:
        """Newest first."""
        return self._store.list_scans()

    def get_scan(self, scan_id: str) -> ScanInfo | None:
        return self._store.get_scan(scan_id)

    def scans_stamp(self) -> tuple[int, int]:
        """Changes when the store's list of scans may have (another aa-tui's scan too)."""
        return self._store.index_stamp()

    def delete_scan(self, scan_id: str) -> None:
        """The scan and its saved results (Jira is not touched)."""
        self._store.delete_scan(scan_id)

    def rescans_resumed_from(self, scan_id: str) -> bool:
        """Whether an interrupted rescan started from ``scan_id`` (deleting it makes that
        rescan's resume read every issue again)."""
        return scan_id in resumed_bases(self._store, self._store.list_scans())

    def prune_scans(self, info: ScanInfo, keep: int) -> Pruned:
        """Delete the complete scans of ``info``'s site, scope, verify mode and account past
        the newest ``keep``, but those cleanup plans were made from (:mod:`retention`)."""
        planned = {p.scan_id for p in self.cleanup().plans()}
        return prune_line(self._store, info, keep, planned)

    def has_results(self, scan_id: str) -> bool:
        return self._store.has_results(scan_id)

    def results(self, scan_id: str) -> ScanResults:
        return self._store.results(scan_id)

    def can_resume(self, info: ScanInfo) -> bool:
        return self._store.can_resume(info)

    def find_resumable(
        self, site: str, scope: Scope, verify: VerifyMode | str, email: str | None = None
    ) -> ScanInfo | None:
        """The newest unfinished scan of this site, scope, method (and account)."""
        return self._store.find_resumable(site, scope, VerifyMode(verify), email=email)

    def rescan_base(
        self, site: str, scope: Scope, verify: VerifyMode | str, email: str | None = None
    ) -> ScanInfo | None:
        """The complete scan a new scan of this site, scope, method (and account) starts from
        (it then reads only what changed); ``None``: it reads everything."""
        return self._store.last_complete(site, scope, VerifyMode(verify), email=email)

    def can_start_from(self, base: ScanInfo) -> bool:
        """Whether a rescan can start from ``base`` (:meth:`rescan_base`): else, its basis
        cut short or gone (or its results), the scan reads everything and says so. Quick: the
        basis is not parsed (:func:`~aa_tui.store.basis.basis_looks_whole`)."""
        store = self._store
        return store.has_results(base.id) and basis_looks_whole(store.scan_dir(base.id))

    def scan(
        self,
        request: ScanRequest,
        token: str,
        *,
        listener: Callable[[ScanProgress], None] | None = None,
        allow_insecure_http: bool = False,
        cancel: threading.Event | None = None,
    ) -> ScanRun:
        """A scan ready to run in the calling thread (:meth:`ScanRun.run`); not started."""
        return ScanRun(
            self._store,
            request,
            lambda: self._client(
                request.site,
                request.email,
                token,
                workers=request.workers,
                allow_insecure_http=allow_insecure_http,
            ),
            listener=listener,
            clock=self.clock,
            cancel=cancel,
        )

    def export(
        self,
        scan_id: str,
        *,
        json_path: Path | None = None,
        csv_dir: Path | None = None,
        results: ScanResults | None = None,
        html_path: Path | None = None,
        settings: InsightSettings | None = None,
    ) -> Export:
        """Write a stored scan as the JSON report, a folder of CSV tables and/or one HTML
        page; ``settings`` (thresholds, a storage cap) rebuild its insight tables. The JSON
        keeps what the scan saw and adds its totals after cleanup; the HTML is after cleanup;
        both say when the cap is reached at the site's recent rate (net of cleanups)."""
        results = results or self.results(scan_id)
        removed = self.removed(scan_id)
        from aa_tui.service.exports import export_results

        return export_results(
            results,
            json_path=json_path,
            csv_dir=csv_dir,
            html_path=html_path,
            settings=settings,
            removed=removed,
            with_forecast=True,
        )

    def forecast(
        self,
        scan_id: str,
        settings: InsightSettings | None = None,
        *,
        removed: Removed | None = None,
        insights: Insights | None = None,
    ) -> Forecast:
        """When the site reaches ``settings.cap`` at its recent rate, net of what cleanups
        removed since the scan (``removed``, when the caller has read it already), and how far
        each what-if step pushes that date (``insights``: the scan's after those cleanups
        under ``settings``, when the caller has them)."""
        gone = (removed if removed is not None else self.removed(scan_id)).ids
        return forecast_of(self.results(scan_id), settings, gone, insights)

    def export_files(
        self,
        scan_id: str,
        name: str,
        key: str = "",
        *,
        path: Path,
        kind: str,
        settings: InsightSettings | None = None,
        rows: list[FileRow] | None = None,
    ) -> FileListExport:
        """Write a list of files (:meth:`files`, or ``rows`` as a face shows them) as one CSV
        or JSON file (``kind``)."""
        from aa_tui.service.exports import export_file_list

        return export_file_list(
            self.results(scan_id), name, key, path=path, kind=kind, settings=settings, rows=rows
        )

    def cleaned_scans(self) -> dict[str, Cleaned]:
        """Scan id -> the files its cleanups removed and the bytes they freed (restored
        files are back; a scan never cleaned is absent)."""
        return self.cleanup().cleaned_scans()

    def removed(self, scan_id: str) -> Removed:
        """The scan's files that cleanups removed (restored ones are back)."""
        return self.cleanup().removed(scan_id)

    def after_cleanup(
        self, scan_id: str, settings: InsightSettings | None = None, *, insights: bool = True
    ) -> AfterCleanup:
        """The scan's summary as it stands after its cleanups (totals, breakdowns, quick
        wins and, unless ``insights`` is False, the insight tables), under ``settings``, and
        what it is net of."""
        from aa_tui.service.after_cleanup import AfterCleanup, summary_after

        removed = self.removed(scan_id)
        summary = summary_after(self.results(scan_id), removed, settings, insights=insights)
        return AfterCleanup(removed, summary)

    def kept_anew(self, scan_id: str, removed: Removed | None = None) -> tuple[int, int]:
        """The files (and bytes) that became their group's kept copy when cleanups removed
        the one that was (``removed``: when the caller has read it already)."""
        from aa_tui.service.after_cleanup import kept_anew_of

        gone = (removed if removed is not None else self.removed(scan_id)).ids
        return kept_anew_of(self.results(scan_id), gone)

    def insights(self, scan_id: str, settings: InsightSettings | None = None) -> Insights:
        """A stored scan's insight tables (rebuilt from its files for other ``settings``),
        after its cleanups."""
        return insights_of(self.results(scan_id), settings, self.removed(scan_id).ids)

    def files(
        self, scan_id: str, name: str, key: str = "", settings: InsightSettings | None = None
    ) -> list[FileRow]:
        """The files behind a number: list ``name`` (``FILE_LISTS``) and ``key`` (files that
        cleanups removed left out)."""
        return files_of(self.results(scan_id), name, key, settings, self.removed(scan_id).ids)

    def file_list(
        self,
        scan_id: str,
        name: str,
        key: str = "",
        settings: InsightSettings | None = None,
        limit: int | None = None,
        keep: Callable[[FileRow], bool] | None = None,
    ) -> FileList:
        """:meth:`files`, the first ``limit`` of them, with the whole list's count and bytes;
        ``keep``: only the files it keeps (a filter over the whole list)."""
        gone = self.removed(scan_id).ids
        return file_list_of(self.results(scan_id), name, key, settings, limit, gone, keep)

    def what_if_planned(
        self, scan_id: str, steps: list[str], settings: InsightSettings | None = None
    ) -> dict[str, int]:
        """Per what-if step, the bytes of its files that a confirmed, unfinished cleanup plan
        of this scan still deletes (:meth:`Cleanup.planned`; steps with none are left out)."""
        planned = self.cleanup().planned(scan_id)
        if not planned:
            return {}
        out: dict[str, int] = {}
        for step in steps:
            size = sum(
                planned.get(f.attachment_id, 0)
                for f in self.files(scan_id, "what_if", step, settings)
            )
            if size:
                out[step] = size
        return out

    # -- settings of a site (never a secret) ----------------------------------------------------
    def archive_destination(self, site: str) -> str:
        """The archive destination a run of ``site`` last prepared ("" when none)."""
        row = self._store.index_table(SITE_SETTINGS).get(site)
        return str((row or {}).get("archive") or "")

    def remember_archive_destination(self, site: str, destination: str) -> None:
        """Keep ``destination`` (a folder or an ``s3://`` location, never a credential) as the
        archive the app offers for ``site`` next time."""
        self._store.index_table(SITE_SETTINGS).upsert({"id": site, "archive": destination})

    def uploads_by_month(self, scan_id: str, project: str = "") -> list[MonthRow]:
        """Bytes and files uploaded per month, of one project when ``project`` is given
        (files that cleanups removed left out)."""
        return months_of_project(self.results(scan_id), project, self.removed(scan_id).ids)

    def group_changes(self, older_id: str, newer_id: str) -> GroupChanges:
        """Duplicate groups that appeared, disappeared, grew or shrank from one scan to the other,
        and those of as many copies that hold other files."""
        return group_changes_of(self.results(older_id), self.results(newer_id))

    def group_of_scan(self, scan_id: str, digest: str) -> GroupOfScan | None:
        """The duplicate group of hash ``digest`` as scan ``scan_id`` saw it (as a comparison
        of two scans counts it); ``None`` when that scan has no such group."""
        return group_of_scan(self.results(scan_id), digest)

    # -- cleanup --------------------------------------------------------------------------------
    def cleanup(self, *, allow_insecure_http: bool = False) -> Cleanup:
        """Plans, runs, the audit and restores of this store (:mod:`aa_tui.service.cleanup`)."""
        from aa_tui.service.cleanup import Cleanup

        return Cleanup(
            self._store,
            lambda site, email, token: self._client(
                site, email, token, allow_insecure_http=allow_insecure_http
            ),
            clock=self.clock,
            remember_archive=self.remember_archive_destination,
        )
