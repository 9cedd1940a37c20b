"""Real HTTP servers on 127.0.0.1 that behave like a Jira Cloud site and its media host.

Two origins: the **Jira origin** (REST API, Basic auth, rate limits, faults; pipeline in
:mod:`aa_tui.demo.jira_origin`, endpoints in :mod:`aa_tui.demo.endpoints`) and the **media
origin** (:mod:`aa_tui.demo.media_origin`) that ``/attachment/content/{id}`` redirects to with a
signed short-lived token. :class:`~aa_tui.demo.state.SiteState` holds the state both share; see
:class:`~aa_tui.demo.options.DemoOptions` for the knobs.
"""

from __future__ import annotations

import ssl
import threading

from aa_tui.demo.generator import DemoData
from aa_tui.demo.http import QuietServer
from aa_tui.demo.jira_origin import JiraHandler
from aa_tui.demo.media_origin import MediaHandler
from aa_tui.demo.options import DemoOptions
from aa_tui.demo.replies import Exchange
from aa_tui.demo.state import SiteState

__all__ = ["DemoOptions", "DemoServer", "Exchange"]


class DemoServer(SiteState):
    """The two origins of a demo site, each a ``ThreadingHTTPServer`` on 127.0.0.1."""

    def __init__(
        self,
        data: DemoData,
        options: DemoOptions = DemoOptions(),  # noqa: B008 - frozen dataclass
        port: int = 0,
        media_port: int = 0,
        email: str = "demo@example.com",
        token: str = "demo-token",
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        super().__init__(data, options, email, token)
        self.ssl_context = ssl_context  # serve the Jira origin over HTTPS with this context
        self._requested_ports = (port, media_port)
        self._servers: list[QuietServer] = []
        self._threads: list[threading.Thread] = []

    # ---- lifecycle -----------------------------------------------------------------------
    def start(self) -> DemoServer:
        if self._servers:
            return self
        for handler, port in (
            (JiraHandler, self._requested_ports[0]),
            (MediaHandler, self._requested_ports[1]),
        ):
            httpd = QuietServer(("127.0.0.1", port), handler)
            httpd.demo = self
            if handler is JiraHandler and self.ssl_context is not None:
                httpd.socket = self.ssl_context.wrap_socket(httpd.socket, server_side=True)
            self._servers.append(httpd)
        scheme = "https" if self.ssl_context is not None else "http"
        self.base_url = f"{scheme}://127.0.0.1:{self._servers[0].server_address[1]}"
        self.media_url = f"http://127.0.0.1:{self._servers[1].server_address[1]}"
        for httpd in self._servers:
            t = threading.Thread(
                target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
            )
            t.start()
            self._threads.append(t)
        return self

    def stop(self) -> None:
        for httpd in self._servers:
            httpd.shutdown()
            httpd.server_close()
        for t in self._threads:
            t.join(timeout=2)
        self._servers.clear()
        self._threads.clear()

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
