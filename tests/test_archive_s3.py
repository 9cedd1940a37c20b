"""The S3 archive against a real S3-compatible server on 127.0.0.1 (s3rver, over HTTP): the
same layout and manifest as a local folder, bytes streamed (multipart past one part) and
verified by reading back, the manifest one durable object per line, and every bad destination
one sentence before anything is written."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap

import pytest
from helpers.s3server import free_port

from aa_tui.archive import (
    ArchiveKey,
    ArchiveStore,
    ArchiveUnavailable,
    Check,
    HashMismatch,
    LocalArchive,
    open_archive,
    open_manifest,
)
from aa_tui.archive.s3 import PART_SIZE, S3Archive
from aa_tui.service.errors import describe

KEY = ArchiveKey("10042", "OPS-7", "report final.pdf")


def source(data: bytes, chunk: int = 1 << 16):
    def feed(sink):
        for i in range(0, len(data), chunk):
            sink(data[i : i + chunk])

    return feed


def test_open_archive_takes_a_folder_or_an_s3_url(tmp_path):
    s3 = open_archive("s3://bucket/some/prefix/")
    assert isinstance(s3, S3Archive) and isinstance(s3, ArchiveStore)
    assert s3.location == "s3://bucket/some/prefix"
    assert s3.same_as("s3://bucket/some/prefix/") and not s3.same_as("s3://bucket/other")
    assert not s3.same_as(str(tmp_path))
    assert open_archive("s3://bucket").location == "s3://bucket"
    assert isinstance(open_archive(tmp_path), LocalArchive)
    for manifest in ("s3://b/p/manifest.jsonl", "s3://b/p/manifest.d/", "s3://b/p"):
        assert open_manifest(manifest).location == "s3://b/p"
    with pytest.raises(ArchiveUnavailable, match="names no bucket"):
        open_archive("s3:///prefix")
    for bare in ("s3://", "s3:///manifest.jsonl"):  # a restore of no bucket says so too
        with pytest.raises(ArchiveUnavailable, match="names no bucket"):
            open_manifest(bare)


def test_put_reads_back_and_verifies_in_the_local_layout(s3_archive, s3_server, tmp_path):
    archive = open_archive(s3_archive)
    archive.prepare()
    small = os.urandom(70_000)
    big = os.urandom(2 * PART_SIZE + 12_345)  # three parts: a multipart upload
    stored = archive.put(KEY, source(small), sha256=hashlib.sha256(small).hexdigest())
    other = ArchiveKey("10043", "OPS-7", "heap.hprof")
    stored_big = archive.put(other, source(big, 1 << 20))
    # The local folder's layout, under the prefix.
    assert stored.path == LocalArchive(tmp_path).path_for(KEY) == "OPS-7/10042-report final.pdf"
    assert stored.sha256 == hashlib.sha256(small).hexdigest() and stored.size == len(small)
    assert stored.location == f"{s3_archive}/OPS-7/10042-report final.pdf"
    assert stored_big.sha256 == hashlib.sha256(big).hexdigest()
    bucket = s3_archive.split("/")[2]
    objects = s3_server.objects(bucket)
    assert objects == {
        "archive/OPS-7/10042-report final.pdf": small,
        "archive/OPS-7/10043-heap.hprof": big,
    }  # and no probe object left behind
    assert archive.files() == ["OPS-7/10042-report final.pdf", "OPS-7/10043-heap.hprof"]
    assert archive.verify(stored.path, stored.sha256, len(small)) is Check.OK
    assert archive.verify(stored_big.path, stored_big.sha256, len(big)) is Check.OK
    assert archive.has(stored.path, len(small)) and not archive.has(stored.path, 1)
    with archive.open(stored.path) as body:
        assert body.read() == small
    with archive.local_file(stored_big.path) as path:
        assert path.read_bytes() == big
    assert not path.exists()  # the download is removed after the upload
    # verify reads the bytes back: an object changed in place is caught (same size, other bytes).
    s3_server.client().put_object(Bucket=bucket, Key=f"archive/{stored.path}", Body=small[::-1])
    assert archive.verify(stored.path, stored.sha256, len(small)) is Check.SHA256
    assert archive.verify(stored.path, stored.sha256, len(small) + 1) is Check.SIZE
    assert archive.verify("OPS-7/nothing", stored.sha256, 1) is Check.MISSING
    assert archive.verify("../archive/OPS-7/x", stored.sha256, 1) is Check.OUTSIDE


@pytest.mark.parametrize("size", [1000, 2 * PART_SIZE + 7])
def test_bytes_that_hash_otherwise_leave_no_object(s3_archive, s3_server, size):
    archive = open_archive(s3_archive)
    data = os.urandom(size)
    with pytest.raises(HashMismatch):
        archive.put(KEY, source(data, 1 << 20), sha256="0" * 64)
    assert s3_server.objects(s3_archive.split("/")[2]) == {}
    assert archive.files() == []


def test_a_failing_source_leaves_no_object(s3_archive, s3_server):
    archive = open_archive(s3_archive)

    def broken(sink):
        sink(os.urandom(PART_SIZE + 1))  # one part uploaded already
        raise OSError("the connection dropped")

    with pytest.raises(OSError, match="dropped"):
        archive.put(KEY, broken)
    assert s3_server.objects(s3_archive.split("/")[2]) == {}


def test_manifest_lines_are_objects_read_back_in_order_and_never_twice(s3_archive, s3_server):
    archive = open_archive(s3_archive)
    lines = [{"format": "aa-tui.archive/1", "id": str(i), "path": f"P-1/{i}-f"} for i in (3, 1, 2)]
    assert [archive.append_line(line) for line in lines] == [True, True, True]
    assert archive.append_line({**lines[0], "path": "other"}) is False
    fresh = open_archive(s3_archive)  # another process: reads what is in the bucket
    assert fresh.lines() == lines and fresh.ids() == {"1", "2", "3"}
    assert fresh.append_line(lines[1]) is False
    bucket = s3_archive.split("/")[2]
    objects = s3_server.objects(bucket, "archive/manifest.d/")
    assert len(objects) == 3 and all(k.endswith(".jsonl") for k in objects)
    # Concatenated in name order they are a manifest.jsonl; a copied-up manifest.jsonl is read too.
    s3_server.client().put_object(
        Bucket=bucket, Key="archive/manifest.jsonl", Body=b'{"id": "0", "path": "x"}\n{"torn'
    )
    assert [x["id"] for x in open_archive(s3_archive).lines()] == ["0", "3", "1", "2"]
    assert open_archive(s3_archive).files() == []  # the manifest is no archived file


def test_a_line_that_does_not_read_back_is_not_durable(s3_archive, monkeypatch):
    archive = open_archive(s3_archive)
    assert isinstance(archive, S3Archive)
    monkeypatch.setattr(S3Archive, "_read", lambda self, path: b"{}\n")
    with pytest.raises(ArchiveUnavailable, match="another manifest line"):
        archive.append_line({"id": "9"})
    monkeypatch.undo()
    assert "9" not in archive.ids()  # not counted as written: the next try writes it


def one_sentence(exc: ArchiveUnavailable, *words: str) -> None:
    problem = describe(exc)
    assert problem.exit_code == 2 and problem.title == "Archive unavailable"
    assert problem.message.count(". ") == 0 and problem.message.endswith(".")
    for word in words:
        assert word in problem.message


def test_a_missing_bucket_is_one_sentence(s3_archive, s3_server):
    with pytest.raises(ArchiveUnavailable) as refused:
        open_archive("s3://no-such-bucket-here/x").prepare()
    one_sentence(refused.value, "no-such-bucket-here", "does not exist")


def test_an_unknown_access_key_is_denied_in_one_sentence(s3_archive, s3_server, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "SOMEONE-ELSE")
    with pytest.raises(ArchiveUnavailable) as refused:
        open_archive(s3_archive).prepare()
    one_sentence(refused.value, s3_archive, "denied", "s3:PutObject")
    assert s3_server.objects(s3_archive.split("/")[2]) == {}


def test_an_unreachable_endpoint_is_one_sentence(s3_archive, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", f"http://127.0.0.1:{free_port()}")
    with pytest.raises(ArchiveUnavailable) as refused:
        open_archive(s3_archive).prepare()
    one_sentence(refused.value, s3_archive, "cannot be reached")


def test_the_general_endpoint_variable_is_read_too(s3_archive, s3_server, monkeypatch):
    monkeypatch.delenv("AWS_ENDPOINT_URL_S3")
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_server.url)
    open_archive(s3_archive).prepare()


def test_no_credentials_is_one_sentence(s3_archive, monkeypatch):
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    with pytest.raises(ArchiveUnavailable) as refused:
        open_archive(s3_archive).prepare()
    one_sentence(refused.value, "No AWS credentials", "AWS_ACCESS_KEY_ID")


PEAK = textwrap.dedent(
    """
    import resource, sys
    from aa_tui.archive import ArchiveKey, open_archive
    size, url = int(sys.argv[1]), sys.argv[2]
    archive = open_archive(url)
    archive.put(ArchiveKey("1", "P-1", "warm"), lambda sink: sink(b"x"))
    block = bytes(range(256)) * 4096  # 1 MiB
    def feed(sink):
        for _ in range(size >> 20):
            sink(block)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    stored = archive.put(ArchiveKey("2", "P-1", "big"), feed)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(stored.size, before // 1024, after // 1024)
    """
)


def test_a_big_file_streams_in_constant_memory(s3_archive, tmp_path):
    """Peak RSS grows by a few parts, not by the file's size (``AA_TUI_S3_PEAK_MB`` measures a
    bigger file; the README quotes 500 MB)."""
    mb = int(os.environ.get("AA_TUI_S3_PEAK_MB", "96"))
    out = subprocess.run(
        [sys.executable, "-c", PEAK, str(mb << 20), s3_archive],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ.copy(),
        timeout=600,
    ).stdout.split()
    size, before, after = (int(x) for x in out)
    assert size == mb << 20
    print(f"{mb} MB put: peak RSS {before} MB before, {after} MB after")
    assert after - before < 40, (before, after)
