"""Downloads against a tiny scripted server on 127.0.0.1: only the bytes asked for are ever
fed to the hash, whatever the server answers instead."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler

import pytest

from aa_tui.demo.http import QuietServer
from aa_tui.jira.auth import ApiToken
from aa_tui.jira.cloud.client import CloudClient
from aa_tui.jira.errors import GaveUpError
from aa_tui.jira.governor import RateGovernor, RetryPolicy

BODY = bytes(range(256)) * 64  # 16 KiB


class Scripted(BaseHTTPRequestHandler):
    """``/rest/api/3/attachment/content/<mode>``: how this origin answers depends on mode."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    calls: list[tuple[str, str | None, str | None]] = []
    media_401_left = 0
    media_base = ""  # the media origin: another port, so another origin
    encodings: list[str | None] = []
    cookies: list[tuple[str, str | None]] = []
    #: Jira's session cookies: no Domain (so a jar would send them to every port of the host)
    #: and one naming the host as its domain.
    JIRA_COOKIES = ("JSESSIONID=jira-session-secret; Path=/", "tenant.session.token=t-secret")

    def log_message(self, *args):  # keep test output quiet
        pass

    def send(self, status, body=b"", headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802 - http.server's naming
        Scripted.encodings.append(self.headers.get("Accept-Encoding"))
        Scripted.calls.append(
            (self.path, self.headers.get("Range"), self.headers.get("Authorization"))
        )
        Scripted.cookies.append((self.path, self.headers.get("Cookie")))
        mode = self.path.rsplit("/", 1)[-1].split("?")[0]
        media = self.path.startswith("/media/")
        start, end = _range(self.headers.get("Range"))
        if not media and mode == "direct":  # Jira serves the bytes itself, honouring Range
            part = BODY[start : end + 1]
            return self.send(206, part, [("Content-Range", f"bytes {start}-{end}/{len(BODY)}")])
        if not media:
            cookies = [("Set-Cookie", c) for c in Scripted.JIRA_COOKIES]
            location = [("Location", f"{Scripted.media_base}/media/{mode}")]
            return self.send(303, headers=[*location, *cookies])
        if mode == "hop":  # the media host sends us on once more (a CDN), within itself
            return self.send(302, headers=[("Location", "/media/ok")])
        if mode == "loop":
            return self.send(302, b"<html>moved</html>", [("Location", "/media/loop")])
        if mode == "wrongrange":
            return self.send(206, BODY[:100], [("Content-Range", f"bytes 0-99/{len(BODY)}")])
        if mode == "expired" and Scripted.media_401_left > 0:
            Scripted.media_401_left -= 1
            return self.send(401, b'{"error": "token expired"}')
        part = BODY[start : end + 1]
        return self.send(206, part, [("Content-Range", f"bytes {start}-{end}/{len(BODY)}")])


def _range(header):
    first, _, last = (header or "bytes=0-").removeprefix("bytes=").partition("-")
    return int(first), int(last) if last else len(BODY) - 1


@pytest.fixture
def client():
    Scripted.calls = []
    Scripted.encodings = []
    Scripted.cookies = []
    server = QuietServer(("127.0.0.1", 0), Scripted)  # a cut download is a hang-up: no traceback
    media = QuietServer(("127.0.0.1", 0), Scripted)
    Scripted.media_base = f"http://127.0.0.1:{media.server_port}"
    for origin in (server, media):
        threading.Thread(target=origin.serve_forever, args=(0.05,), daemon=True).start()
    policy = RetryPolicy(max_tries=3, base_delay_s=0.01, max_delay_s=0.02)
    jira = CloudClient(
        f"http://127.0.0.1:{server.server_port}",
        ApiToken("me@x", "tok-Download-77"),
        governor=RateGovernor(policy=policy),
    )
    yield jira
    jira.close()
    server.shutdown()
    media.shutdown()


def read(client, mode, start, end):
    chunks: list[bytes] = []
    client.read_content(mode, start, end, chunks.append)
    return b"".join(chunks)


def test_a_range_comes_back_exactly(client):
    assert read(client, "ok", 100, 4195) == BODY[100:4196]


def test_jira_serving_bytes_itself_costs_one_request_of_just_the_range(client):
    chunks: list[bytes] = []
    network = client.read_content("direct", 0, 4095, chunks.append)
    assert b"".join(chunks) == BODY[:4096] and network == 4096
    assert len(Scripted.calls) == 1


def test_a_redirect_loop_is_never_hashed(client):
    fed: list[bytes] = []
    with pytest.raises(GaveUpError):
        client.read_content("loop", 0, 4095, fed.append)
    assert fed == []


def test_a_wrong_range_is_never_hashed(client):
    fed: list[bytes] = []
    with pytest.raises(GaveUpError):
        client.read_content("wrongrange", 4096, 8191, fed.append)
    assert fed == []


def test_an_expired_media_link_gets_a_fresh_one(client):
    Scripted.media_401_left = 1
    assert read(client, "expired", 0, 99) == BODY[:100]
    jira_calls = [c for c in Scripted.calls if not c[0].startswith("/media/")]
    assert len(jira_calls) == 2  # asked Jira again for a new link


def test_credentials_and_compression_stay_off_the_media_host(client):
    read(client, "ok", 0, 10)
    media = [c for c in Scripted.calls if c[0].startswith("/media/")]
    jira = [c for c in Scripted.calls if not c[0].startswith("/media/")]
    assert media and all(auth is None for _, _, auth in media)
    assert all(auth and auth.startswith("Basic ") for _, _, auth in jira)
    assert set(Scripted.encodings) == {"identity"}  # hash bytes, never a gzip of them


def test_no_credential_or_cookie_reaches_the_media_origin(client):
    """Jira sets session cookies on every answer; the media origin (same host, other port:
    cookies ignore ports) must see neither them nor the Authorization header, including after
    a redirect within the media host, a retry and a renewed link."""
    Scripted.media_401_left = 1
    assert read(client, "hop", 0, 99) == BODY[:100]
    assert read(client, "expired", 5, 9) == BODY[5:10]
    assert read(client, "ok", 0, 0) == BODY[:1]
    media = [c for c in Scripted.calls if c[0].startswith("/media/")]
    assert len(media) >= 5 and all(auth is None for _, _, auth in media)
    assert all(cookie is None for _, cookie in Scripted.cookies)  # nor back to Jira
    assert {path for path, *_ in media} >= {"/media/hop", "/media/ok", "/media/expired"}


def jira_calls():
    return [c for c in Scripted.calls if not c[0].startswith("/media/")]


def test_one_media_link_serves_every_read_of_a_file(client):
    """Head, tail and full read of one file: Jira is asked for its link once."""
    assert read(client, "ok", 0, 4095) == BODY[:4096]
    assert read(client, "ok", len(BODY) - 4096, len(BODY) - 1) == BODY[-4096:]
    assert read(client, "ok", 4096, None) == BODY[4096:]
    assert len(jira_calls()) == 1
    assert len([c for c in Scripted.calls if c[0].startswith("/media/")]) == 3


def test_a_link_that_aged_is_renewed_at_once_and_never_makes_the_file_unreadable(client):
    assert read(client, "expired", 0, 9) == BODY[:10]  # the link works and is kept
    Scripted.media_401_left = 1  # ...then it expires
    retries = client.governor.stats.retries
    assert read(client, "expired", 10, 19) == BODY[10:20]
    assert len(jira_calls()) == 2  # one fresh link, asked for at once
    assert client.governor.stats.retries == retries + 1
    media_auth = [auth for path, _, auth in Scripted.calls if path.startswith("/media/")]
    assert media_auth == [None, None, None]


def test_a_media_host_that_keeps_refusing_gives_up_clearly(client):
    Scripted.media_401_left = 100
    with pytest.raises(GaveUpError, match="media host answered HTTP 401"):
        read(client, "expired", 0, 9)
    Scripted.media_401_left = 0
