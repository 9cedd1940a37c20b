"""Bad input gets one clear sentence, the right exit code and never a traceback.

Site URLs (not a URL, closed port, a web page that is not Jira, Jira Data Center, a TLS
certificate that does not verify, plain http to another host), credentials (wrong, expired at
sign-in or in the middle of a scan), project keys and JQL (quoted or refused, never spliced:
the JQL that reaches the site is recorded and checked). All through real ``aa-tui``
subprocesses against demo sites on 127.0.0.1.
"""

from __future__ import annotations

import datetime
import socket
import ssl
import subprocess
from pathlib import Path

import pytest
from helpers.cli import SLOW, Scan, aa, kinds, wait_for

from aa_tui.demo.server import DemoOptions, DemoServer
from aa_tui.jira.site import normalize_site_url
from aa_tui.store.store import Store

TOKEN = "tok-Secret-4711-xyz"
SEARCH = "/rest/api/3/search/jql"


def scan_args(site: str, email: str = "demo@example.com", *extra: str) -> list[str]:
    return ["scan", "--site", site, "--email", email, "--verify", "metadata", "--quiet", *extra]


def one_sentence(result, code: int, *needles: str, token: str | None = None) -> str:
    """The run exited ``code`` with every needle on stderr, no traceback, no token."""
    assert result.returncode == code, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    for needle in needles:
        assert needle in result.stderr, (needle, result.stderr)
    if token:
        assert token not in result.stderr + result.stdout
    return result.stderr


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- site URLs ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("site", "needle"),
    [
        ("not a url", "is not a site URL"),
        ("ftp://jira.example.invalid", "is not a site URL"),
        ("https://", "is not a site URL"),
        ("http://[::1", "is not a site URL"),  # (urlsplit: Invalid IPv6 URL, was exit 3)
        ("http://127.0.0.1:99999", "has an invalid port number"),
        ("http://jira.example.invalid", "Refusing plain http:// for jira.example.invalid"),
        ("http://[2001:db8::1]:8080", "Refusing plain http://"),
        ("https://jira.example.invalid", "Could not connect to https://jira.example.invalid"),
    ],
)
def test_bad_site_urls(tmp_path, site, needle):
    result = aa(scan_args(site), tmp_path, token=TOKEN)
    one_sentence(result, 2, needle, token=TOKEN)


def test_plain_http_elsewhere_only_when_explicitly_allowed():
    with pytest.raises(Exception, match="Refusing plain http"):
        normalize_site_url("http://jira.example.invalid")
    allowed = normalize_site_url("http://jira.example.invalid", allow_insecure_http=True)
    assert allowed == "http://jira.example.invalid"


def test_unreachable_host_is_said_at_once(tmp_path):
    import time

    port = closed_port()
    started = time.monotonic()
    result = aa(scan_args(f"http://127.0.0.1:{port}"), tmp_path, token=TOKEN)
    took = time.monotonic() - started
    one_sentence(result, 2, f"Could not connect to http://127.0.0.1:{port}", token=TOKEN)
    assert "--resume" not in result.stderr  # nothing was started, nothing to resume
    assert took < 10, took  # no minute of retries against a closed port


def test_https_to_a_plain_http_port_says_so(small_site, tmp_path):
    """TLS spoken to a port that answers plain HTTP: one sentence that names the cause, not
    the TLS library's '[SSL: WRONG_VERSION_NUMBER]'."""
    with DemoServer(small_site, DemoOptions(), token=TOKEN) as server:
        site = server.base_url.replace("http://", "https://")
        result = aa(scan_args(site), tmp_path, token=TOKEN)
    said = one_sentence(result, 2, "it answers plain HTTP, not HTTPS", token=TOKEN)
    assert "WRONG_VERSION_NUMBER" not in said


@pytest.mark.parametrize(
    ("options", "needles"),
    [
        (DemoOptions(not_jira="html"), ["answered /rest/api/3/myself with an HTML page"]),
        (DemoOptions(not_jira="html404"), ["has no Jira Cloud REST API", "HTTP 404"]),
        (
            DemoOptions(deployment="Server"),
            ["is Jira Server (Data Center/Server), which signs in with a personal access token"],
        ),
    ],
    ids=["html-page", "html-404", "data-center"],
)
def test_sites_that_are_not_jira_cloud(small_site, tmp_path, options, needles):
    with DemoServer(small_site, options, token=TOKEN) as server:
        result = aa(scan_args(server.base_url), tmp_path, token=TOKEN)
    one_sentence(result, 2, *needles, token=TOKEN)
    assert "--resume" not in result.stderr


class OtherServer:
    """A web server on 127.0.0.1 that is not Jira: ``kind`` "post-only" answers GET with 501
    (http.server's own answer to a method it lacks); "json" answers every path with one JSON
    object that has an account in it."""

    def __init__(self, kind: str) -> None:
        import json
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        body = json.dumps({"accountId": "x", "displayName": "X", "emailAddress": "a@b.c"})

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body.encode())

            if kind == "json":
                do_GET = do_POST

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def __enter__(self) -> OtherServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.parametrize(
    ("kind", "needles"),
    [
        ("post-only", ["has no Jira Cloud REST API", "HTTP 501"]),
        ("json", ["did not answer serverInfo like Jira"]),
    ],
)
def test_web_servers_that_are_not_jira_are_refused_before_a_scan(tmp_path, kind, needles):
    """A tester's webhook receiver (GET: 501) read as "Jira refused", exit 3 (resumable, with
    nothing begun); a server answering one JSON object everywhere was scanned as an empty
    site, exit 0."""
    with OtherServer(kind) as server:
        result = aa(scan_args(server.url), tmp_path, token=TOKEN)
    one_sentence(result, 2, *needles, token=TOKEN)
    assert Store(tmp_path).list_scans() == []


# -- TLS ------------------------------------------------------------------------------------------
def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 signed by nobody anyone trusts (made now, for this test)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    except ImportError:
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
             "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2",
             "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
            check=True, capture_output=True,
        )  # fmt: skip
        return cert, key
    import ipaddress

    private = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "aa-tui test 127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    public = private.public_key()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(public), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(private, hashes.SHA256())
    )
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert, key


@pytest.fixture
def https_server(small_site, tmp_path):
    cert, key = self_signed(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    with DemoServer(small_site, DemoOptions(), token=TOKEN, ssl_context=context) as server:
        assert server.base_url.startswith("https://127.0.0.1:")
        yield server, cert


def test_a_certificate_that_does_not_verify_is_named_never_ignored(https_server, tmp_path):
    server, _ = https_server
    result = aa(scan_args(server.base_url), tmp_path / "data", token=TOKEN)
    one_sentence(
        result,
        2,
        f"The TLS certificate of {server.base_url} did not verify",
        "self-signed certificate",
        "never turns verification off",
        token=TOKEN,
    )
    assert server.stats.total_requests == 0  # not one request got through the handshake


def test_the_certificate_advice_works(https_server, tmp_path, monkeypatch):
    """Trusting the certificate (SSL_CERT_FILE, as the message says) is the only way in."""
    server, cert = https_server
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    result = aa(scan_args(server.base_url), tmp_path / "data", token=TOKEN)
    assert result.returncode == 0, result.stderr
    assert server.stats.snapshot()["media_auth_header_requests"] == 0


def test_verification_is_never_switched_off_in_the_code():
    sources = Path(__file__).parent.parent / "aa_tui"
    offenders = [
        str(path)
        for path in sources.rglob("*.py")
        if "verify=False" in path.read_text() or "CERT_NONE" in path.read_text()
    ]
    assert offenders == []


# -- credentials ----------------------------------------------------------------------------------
def test_wrong_and_expired_tokens_at_sign_in(small_site, tmp_path):
    with DemoServer(small_site, DemoOptions(), token=TOKEN) as server:
        wrong = aa(scan_args(server.base_url), tmp_path, token="wrong-" + TOKEN)
        expired = aa(scan_args(server.base_url), tmp_path, token=server.expired_token)
    one_sentence(wrong, 2, "refused the email and API token", "HTTP 401", token="wrong-" + TOKEN)
    one_sentence(expired, 2, "refused the email and API token", token=server.expired_token)
    assert "--resume" not in wrong.stderr + expired.stderr


def test_token_that_expires_in_the_middle_of_a_scan(small_site, tmp_path):
    """Jira then answers anonymously (200 + x-seraph-loginreason): that must stop the scan
    with the reason, not count every issue as hidden or every file as unreadable."""
    data = tmp_path / "data"
    with DemoServer(small_site, SLOW, token=TOKEN) as server:
        scan = Scan(server, data)
        wait_for(scan, lambda: "issues" in kinds(data), "fetching details")
        server.expired_token, server.token = TOKEN, "new-" + TOKEN  # the old token expires
        code = scan.wait()
        assert code == 2, scan.stderr
        message = scan.stderr
        assert "Jira ignored the API token for demo@example.com (expired or revoked)" in message
        assert "The scan can be continued with --resume" in message
        assert "Traceback" not in message and TOKEN not in message
        store = Store(data)
        (info,) = store.list_scans()
        assert info.status == "failed" and not store.has_results(info.id)
        store.close()
        # With the new token the same scan goes on and ends with the truth.
        resumed = aa(
            ["scan", "--site", server.base_url, "--email", server.email, "--resume", "--quiet"],
            data,
            token=server.token,
        )
    assert resumed.returncode == 0, resumed.stderr
    store = Store(data)
    (info,) = store.list_scans()
    groups = {
        frozenset(x["attachment_id"] for x in g["locations"]) for g in store.load_groups(info.id)
    }
    store.close()
    assert groups == small_site.truth.groups


def test_hidden_projects_named_not_fatal(small_site, tmp_path):
    with DemoServer(small_site, DemoOptions(hidden_projects=("SEC",)), token=TOKEN) as server:
        some = aa(
            scan_args(server.base_url, server.email, "--projects", "OPS,SEC"), tmp_path, token=TOKEN
        )
        none = aa(
            scan_args(server.base_url, server.email, "--projects", "SEC"), tmp_path, token=TOKEN
        )
    assert some.returncode == 0, some.stderr
    assert (
        "note: Not scanned: SEC (no such project, or demo@example.com cannot browse it)."
        in some.stderr
    )
    one_sentence(none, 2, "No project among SEC is visible to demo@example.com", token=TOKEN)


def test_attachments_disabled_is_a_note(small_site, tmp_path):
    with DemoServer(small_site, DemoOptions(attachments_enabled=False), token=TOKEN) as server:
        result = aa(scan_args(server.base_url), tmp_path, token=TOKEN)
    assert result.returncode == 0, result.stderr
    assert "note: Attachments are disabled on this site" in result.stderr


# -- project keys and JQL -------------------------------------------------------------------------
BASE = "attachments IS NOT EMPTY"
ORDER = " ORDER BY id ASC"


@pytest.mark.parametrize(
    ("extra", "sent", "code"),
    [
        (["--projects", "ops, web"], f'{BASE} AND project in ("OPS", "WEB"){ORDER}', 0),
        (["--jql", "created >= -365d"], f"{BASE} AND (created >= -365d){ORDER}", 0),
        # The user's own JQL, parenthesised: its OR can only narrow the bounded search. (The
        # demo site knows no OR nor summary: it refuses, as Jira does with JQL it cannot run.)
        (
            ["--jql", 'summary ~ "report" OR project = SEC'],
            f'{BASE} AND (summary ~ "report" OR project = SEC){ORDER}',
            2,
        ),
        # A quote inside a string literal stays inside it: Jira looks for a project of that
        # name, finds none, and says so.
        (
            ["--jql", 'project = "OPS\\" OR project = SEC"'],
            f'{BASE} AND (project = "OPS\\" OR project = SEC"){ORDER}',
            2,
        ),
        (
            ["--projects", "DATA", "--jql", 'project = "a) OR (b"'],
            f'{BASE} AND project in ("DATA") AND (project = "a) OR (b"){ORDER}',
            2,
        ),
    ],
)
def test_jql_sent_is_exactly_the_quoted_scope(small_site, tmp_path, extra, sent, code):
    with DemoServer(small_site, DemoOptions(), token=TOKEN) as server:
        server.record = True
        result = aa(scan_args(server.base_url, server.email, *extra), tmp_path, token=TOKEN)
    searched = {x.request["jql"] for x in server.recorded if x.path == SEARCH}
    assert searched == {sent}
    if code:  # JQL Jira refuses is the user's to fix: one sentence, nothing to resume
        one_sentence(result, 2, "Jira refused the search", "check the project keys and the JQL")
        assert "--resume" not in result.stderr
    else:
        assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--projects", 'OPS" OR project = SEC'], "is not a Jira project key"),
        (["--projects", "OPS) OR (project = SEC"], "is not a Jira project key"),
        (["--jql", 'summary ~ "x") OR (project = SEC'], "unbalanced parentheses"),
        (["--jql", "project = OPS) OR (project = SEC"], "unbalanced parentheses"),
        (["--jql", 'summary ~ "unterminated'], "unterminated string"),
        (["--jql", 'summary ~ "escaped quote at the end\\"'], "unterminated string"),
        (["--jql", "project = OPS ORDER BY created"], "Leave ORDER BY out"),
    ],
)
def test_injection_attempts_are_refused_before_anything_is_sent(
    small_site, tmp_path, extra, needle
):
    with DemoServer(small_site, DemoOptions(), token=TOKEN) as server:
        server.record = True
        result = aa(scan_args(server.base_url, server.email, *extra), tmp_path, token=TOKEN)
    one_sentence(result, 2, needle, token=TOKEN)
    assert not [x for x in server.recorded if x.path == SEARCH]
