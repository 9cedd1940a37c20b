"""A fresh demo site, Jira Cloud or Data Center, served on real HTTP and scanned into a fresh
data dir: what the cleanup, after-cleanup and TUI tests start from (deletions and uploads change
the site, so a test that writes gets its own).

- :class:`DemoSite`: the server, its data, the account and token, the data dir and its store
  (kept open, or closed once scanned: :attr:`DemoSite.keep_store`), the scan's id and the
  site's own truth (:meth:`~DemoSite.deleted_ids`, :meth:`~DemoSite.exists`).
- :class:`CleanupSite`: the same with a :class:`~aa_tui.service.cleanup.Cleanup` on its store.
- :class:`AppSite`: the store closed once scanned, and the app on the data dir.

Each is a context manager (``with AppSite(data, tmp_path) as site:``): a fixture is
``with ...: yield site``.

The first scan of a pristine site (no ``before``, no :meth:`~DemoSite.scanned` of its own, and
options that keep no state a scan would change: no rate limit, write limit or faults) is done
once a process and kept; each later :class:`DemoSite` of the same data, options, account and
verify mode still gets its own fresh server, and a copy of that scanned data dir with the
earlier server's address replaced by its own (:func:`copy_scanned`): the same files a scan of
it would have written, without the ~1 s scan per test. Its server has answered no request yet
(the tests that count requests count those after the setup).
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import fields, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from aa_tui.demo.catalog import ATTACHMENT_ID_BASE
from aa_tui.demo.server import DemoOptions, DemoServer
from aa_tui.jira.auth import auth_for
from aa_tui.jira.connect import connect
from aa_tui.model.accounts import PAT_ACCOUNT
from aa_tui.service.cleanup import Cleanup
from aa_tui.store.store import Store
from helpers.scanning import FROZEN_NOW, fast_governor, run_scan
from helpers.tui import make_app

if TYPE_CHECKING:
    from aa_tui.tui.app import AATuiApp

#: DemoOptions fields a kept scan may differ in: they change what is served, and no state the
#: scan's requests would leave behind (counters aside: buckets, write limits, fault dice)
STATELESS = frozenset({"data_center", "delete_permission"})

#: (data, options, accounts, verify, clock) -> (the data, the scanned data dir, its site, scan id)
_SCANNED: dict[tuple, tuple[Any, Path, str, str]] = {}
_KEPT: dict[str, Path] = {}


def _kept_dir() -> Path:
    """A new directory for a kept scan, in this process's own (removed when it exits)."""
    if "dir" not in _KEPT:
        _KEPT["dir"] = Path(tempfile.mkdtemp(prefix="aa-tui-scanned-"))
        atexit.register(shutil.rmtree, _KEPT["dir"], True)
    return Path(tempfile.mkdtemp(dir=_KEPT["dir"])) / "data"


def origin(url: str) -> str:
    """``scheme://host:port`` of ``url``."""
    scheme, rest = url.split("://", 1)
    return f"{scheme}://{rest.split('/', 1)[0]}"


def copy_scanned(source: Path, target: Path, old_site: str, new_site: str) -> None:
    """A copy of the data dir ``source`` at ``target``, every mention of ``old_site``'s origin
    (the profile, the scan's record, its summary: text files) replaced by ``new_site``'s."""
    shutil.copytree(source, target)
    old, new = origin(old_site).encode(), origin(new_site).encode()
    replaced = 0
    for path in target.rglob("*"):
        if not path.is_file():
            continue
        blob = path.read_bytes()
        if old not in blob:
            continue
        if path.suffix not in (".json", ".jsonl"):
            raise AssertionError(f"{path} holds the site's address and is not text")
        path.write_bytes(blob.replace(old, new))
        replaced += 1
    if not replaced and old != new:
        raise AssertionError(f"no file of {source} names {old_site}")


def stateless(options: DemoOptions) -> bool:
    """Whether a server with ``options`` keeps no state a scan would change."""
    default = DemoOptions()
    return all(
        getattr(options, f.name) == getattr(default, f.name)
        for f in fields(DemoOptions)
        if f.name not in STATELESS
    )


def scan_kept(server, target: Path, key: tuple, scan: Callable[[Store], str]) -> str:
    """The id of a scan of ``server`` (``scan(store)``) in the data dir ``target``.

    Done once a process for each ``key`` (how the scan is made) and server data and options,
    then copied for the next fresh server (:func:`copy_scanned`); scanned through ``server``
    itself when its options keep state (:func:`stateless`) or ``target`` exists already."""
    kept = None
    if not target.exists() and stateless(server.options):
        full_key = (id(server.data), server.options, *key)
        kept = _SCANNED.get(full_key)
        if kept is None or kept[0] is not server.data:
            kept = None
            where = _kept_dir()
    else:
        where = target
    if kept is None:
        store = Store(where)
        try:
            scan_id = scan(store)
        finally:
            store.close()
        if where == target:
            return scan_id
        kept = _SCANNED[full_key] = (server.data, where, server.base_url, scan_id)
    _data, where, site, scan_id = kept
    copy_scanned(where, target, site, server.base_url)
    return scan_id


class DemoSite:
    """A fresh demo server (Data Center mode with ``data_center``), scanned into
    ``tmp_path / "data"``.

    It signs in as the site's own account (``viewer``: its read-only one) with the site's
    token; on Data Center the account is ``pat:`` (a personal access token). The scan is
    recorded under the site's own account either way. ``before(site)`` runs once the server is
    up, before the scan.
    """

    #: whether :attr:`store` stays open after the scan (else it is ``None``: use :attr:`root`)
    keep_store = True
    #: the scans' clock
    when: datetime = FROZEN_NOW

    def __init__(
        self,
        data,
        tmp_path: Path,
        options: DemoOptions = DemoOptions(),  # noqa: B008 - frozen dataclass
        *,
        data_center: bool = False,
        viewer: bool = False,
        before: Callable[[Any], None] | None = None,
        verify: str = "exact",
    ) -> None:
        self.data = data
        if data_center:
            options = replace(options, data_center=True)
        self.server = DemoServer(data, options).start()
        self.owner = PAT_ACCOUNT if data_center else self.server.email  # the scans' account
        self.email = self.server.viewer_email if viewer else self.owner
        self.token = self.server.viewer_token if viewer else self.server.token
        self.wraps: list = []  # transport wrappers put around each client :meth:`connect` makes
        if before is not None:
            before(self)
        self.root = tmp_path / "data"
        self.store: Store | None
        if before is not None or type(self).scanned is not DemoSite.scanned:
            self.store = Store(self.root)
            self.scan_id = self.scan(self.store, verify=verify)
            self.scanned(self.store)
        else:  # a scan of the pristine site: the first one kept (see the module's text)
            how = ("DemoSite.scan", self.email, self.token, self.owner, verify, self.when)
            self.scan_id = scan_kept(
                self.server, self.root, how, lambda store: self.scan(store, verify=verify)
            )
            self.store = Store(self.root)
        if not self.keep_store:
            self.store.close()
            self.store = None

    def scan(self, store: Store, when: datetime | None = None, **request) -> str:
        """The id of a finished scan of the site into ``store``, dated ``when``."""
        client = self.connect(self.server.base_url, self.email, self.token)
        now = self.when if when is None else when
        return run_scan(
            self.server, store, client=client, email=self.owner, now=now, **request
        ).info.id

    def scanned(self, store: Store) -> None:
        """Called once the first scan is in ``store`` (before it is closed): more to put there."""

    def connect(self, site: str, account: str, token: str):
        """A client of ``site`` (Cloud for an email, Data Center for ``pat:``), fast retries."""
        client = connect(site, auth_for(account, token), governor=fast_governor())
        for wrap in self.wraps:
            transport = client.http._transport  # the GovernedTransport
            transport.inner = wrap(transport.inner)
        return client

    def http(self) -> httpx.Client:
        """Plain HTTP to the site as its own account (setting up, asking what it holds)."""
        return httpx.Client(base_url=self.server.base_url, auth=self.server.auth, timeout=10)

    def deleted_ids(self) -> set[str]:
        """Ids deleted on the site (generated files and uploads alike)."""
        count = self.data.attachment_count
        return {
            self.data.attachment_id(j) if j < count else str(ATTACHMENT_ID_BASE + j)
            for j in self.server.deleted
        }

    def exists(self, attachment_id: str) -> bool:
        with self.http() as c:
            return c.get(f"/rest/api/3/attachment/{attachment_id}").status_code == 200

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
        self.server.stop()

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class CleanupSite(DemoSite):
    """A :class:`DemoSite` with its store kept open and a cleanup service on it."""

    def __init__(self, *args, **kw) -> None:
        super().__init__(*args, **kw)
        self.cleanup = Cleanup(self.store, self.connect)


class AppSite(DemoSite):
    """A :class:`DemoSite` whose data dir is closed once scanned, for the app to open."""

    keep_store = False

    def app(self, data_dir: Path | None = None) -> AATuiApp:
        """The app on ``data_dir`` (the site's own data dir unless given), the site's token
        kept in memory."""
        key = f"{self.email}@{self.server.base_url}"
        return make_app(data_dir or self.root, memory_tokens={key: self.token})
