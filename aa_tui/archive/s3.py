"""The archive in S3-compatible object storage (``--archive s3://bucket/prefix``).

Layout under the prefix, as in a local archive folder::

    <prefix>/<issue key>/<attachment id>-<file name>      the bytes, SHA-256 checked
    <prefix>/manifest.d/<UTC time>-<attachment id>.jsonl  one object per manifest line

Credentials, region and endpoint come from boto3's standard chain (environment, shared files,
SSO, instance roles; ``AWS_ENDPOINT_URL_S3`` / ``AWS_ENDPOINT_URL`` for a non-AWS store); aa-tui
stores none of them.

A put streams: bytes go out in parts of :data:`PART_SIZE` (a multipart upload past one part),
so memory stays one part whatever the file's size. The object appears only when the upload is
completed, and it is completed only when the bytes hash to the SHA-256 expected; otherwise the
upload is aborted and nothing is kept. :meth:`S3Archive.verify` reads the object back in full
and hashes it: an ETag is never trusted (it is no SHA-256, and a multipart one is no digest of
the bytes at all).

The manifest is one object per line, not one ``manifest.jsonl`` object: S3 cannot append, and
rewriting the whole manifest for each file costs O(n²) bytes and races between the run's
workers. A PUT is atomic and durable once S3 answers 200 (read-after-write consistent); each
line's object is then read back and compared before :meth:`S3Archive.append_line` returns, so the
line is in the archive before the DELETE it allows. Object names start with the time, so
listing them gives the lines in the order they were written; concatenated they are a
``manifest.jsonl`` (README, "Archive manifest format"). A ``manifest.jsonl`` object under the
prefix (a local archive copied up) is read too.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, TypeVar, cast

import orjson

from aa_tui.archive.local import relative_path, safe_part
from aa_tui.archive.manifest import MANIFEST, parse_manifest
from aa_tui.archive.protocol import (
    ArchiveKey,
    ArchiveUnavailable,
    Check,
    HashMismatch,
    Source,
    Stored,
)

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

SCHEME = "s3://"
LINES = "manifest.d"  # one object per manifest line
PART_SIZE = 8 << 20  # also the largest buffer a put holds (S3's smallest part is 5 MiB)
READ_CHUNK = 1 << 20
PROBE = ".aa-tui-probe-"
_T = TypeVar("_T")


def split_s3(url: str) -> tuple[str, str]:
    """``s3://bucket/a/b/`` -> ``("bucket", "a/b")``; a bucket name is required."""
    rest = url[len(SCHEME) :]
    bucket, _, prefix = rest.partition("/")
    if not bucket:
        raise ArchiveUnavailable(f"{url} names no bucket; write it as s3://bucket/prefix.")
    return bucket, prefix.strip("/")


def _client() -> S3Client:
    """An S3 client from the standard AWS chain (boto3 imported only when S3 is used)."""
    import boto3
    from botocore.config import Config

    config = Config(
        connect_timeout=10,
        read_timeout=120,
        retries={"max_attempts": 5, "mode": "standard"},
        # Checksums only where S3 requires them: the bytes are checked by SHA-256, read back,
        # and some S3-compatible stores refuse the newer trailing checksums.
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
        max_pool_connections=16,
    )
    return boto3.session.Session().client("s3", config=config)


class S3Archive:
    """An archive under ``s3://bucket/prefix``."""

    def __init__(self, url: str, client: S3Client | None = None) -> None:
        self.bucket, self.prefix = split_s3(url)
        self._s3: S3Client | None = client
        self._lock = threading.Lock()  # the ids
        self._opening = threading.Lock()
        self._ids: set[str] | None = None

    def __repr__(self) -> str:
        return f"S3Archive({self.location!r})"

    # -- where ----------------------------------------------------------------------------------
    @property
    def location(self) -> str:
        return f"{SCHEME}{self.bucket}/{self.prefix}" if self.prefix else f"{SCHEME}{self.bucket}"

    @property
    def manifest_location(self) -> str:
        return f"{self.location}/{LINES}/"

    def same_as(self, location: str) -> bool:
        if not location.lower().startswith(SCHEME):
            return False
        try:
            return split_s3(location) == (self.bucket, self.prefix)
        except ArchiveUnavailable:
            return False

    def _key(self, path: str) -> str:
        return f"{self.prefix}/{path}" if self.prefix else path

    def where(self, path: str) -> str:
        return f"{self.location}/{path}"

    @property
    def s3(self) -> S3Client:
        with self._opening:
            if self._s3 is None:
                self._s3 = self._call("open", _client)
            return self._s3

    # -- errors ---------------------------------------------------------------------------------
    def _call(self, doing: str, fn: Callable[[], _T]) -> _T:
        """``fn()``, with any S3 or network failure as one sentence naming the destination."""
        from botocore.exceptions import (
            BotoCoreError,
            ClientError,
            EndpointConnectionError,
            NoCredentialsError,
            ProfileNotFound,
        )

        try:
            return fn()
        except (NoCredentialsError, ProfileNotFound) as exc:
            raise ArchiveUnavailable(
                f"No AWS credentials for {self.location} ({exc}): set AWS_ACCESS_KEY_ID and "
                "AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, as for the AWS tools."
            ) from None
        except EndpointConnectionError as exc:
            raise ArchiveUnavailable(
                f"The archive {self.location} cannot be reached ({exc}); check the network "
                "and AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL."
            ) from None
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", ""))
            if code in ("NoSuchBucket",):
                raise ArchiveUnavailable(
                    f"The bucket {self.bucket} does not exist (archive {self.location})."
                ) from None
            if code in ("AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "403"):
                raise ArchiveUnavailable(
                    f"Access to {self.location} was denied ({code}) when trying to {doing}; "
                    "the credentials need s3:PutObject, s3:GetObject, s3:DeleteObject and "
                    "s3:ListBucket there."
                ) from None
            raise ArchiveUnavailable(
                f"The archive {self.location} refused to {doing} ({code or exc})."
            ) from None
        except BotoCoreError as exc:
            raise ArchiveUnavailable(
                f"The archive {self.location} failed to {doing} ({exc})."
            ) from None

    def _missing(self, path: str) -> int | None:
        """The object's size, or ``None`` when there is none at ``path``."""
        from botocore.exceptions import ClientError

        def head() -> int | None:
            try:
                return int(
                    self.s3.head_object(Bucket=self.bucket, Key=self._key(path))["ContentLength"]
                )
            except ClientError as exc:
                if str(exc.response.get("Error", {}).get("Code", "")) in ("404", "NoSuchKey"):
                    return None
                raise

        return self._call(f"read {path}", head)

    # -- the probe ------------------------------------------------------------------------------
    def prepare(self) -> None:
        """Put, read back and delete a probe object: the credentials, the endpoint and the
        bucket all work before anything is deleted."""
        path = f"{PROBE}{os.getpid()}-{os.urandom(4).hex()}"
        body = os.urandom(32)
        key = self._key(path)
        self._call(
            "write a test object",
            lambda: self.s3.put_object(Bucket=self.bucket, Key=key, Body=body),
        )
        back = self._call(
            "read a test object back",
            lambda: self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read(),
        )
        self._call(
            "delete a test object", lambda: self.s3.delete_object(Bucket=self.bucket, Key=key)
        )
        if back != body:
            raise ArchiveUnavailable(
                f"The archive {self.location} gave back other bytes than it was sent."
            )

    # -- files ----------------------------------------------------------------------------------
    def path_for(self, key: ArchiveKey) -> str:
        return relative_path(key)

    def put(self, key: ArchiveKey, source: Source, *, sha256: str = "") -> Stored:
        path = relative_path(key)
        upload = _Upload(self, self._key(path))
        digest = hashlib.sha256()
        size = 0

        def sink(chunk: bytes) -> None:
            nonlocal size
            digest.update(chunk)
            size += len(chunk)
            upload.write(chunk)

        try:
            source(sink)
            actual = digest.hexdigest()
            if sha256 and actual != sha256:
                raise HashMismatch(actual)
            upload.complete()
        except BaseException:
            upload.abort()
            raise
        return Stored(path, actual, size, self.where(path))

    def has(self, path: str, size: int) -> bool:
        return _safe(path) and self._missing(path) == size

    def open(self, path: str) -> BinaryIO:
        if not _safe(path):
            raise FileNotFoundError(f"{path} points outside the archive {self.location}")
        key = self._key(path)
        body = self._call(
            f"read {path}", lambda: self.s3.get_object(Bucket=self.bucket, Key=key)["Body"]
        )
        return cast(BinaryIO, body)

    @contextlib.contextmanager
    def local_file(self, path: str) -> Iterator[Path]:
        """The object downloaded to a private temporary file (streamed), removed after."""
        with tempfile.TemporaryDirectory(prefix="aa-tui-restore-") as folder:
            local = Path(folder) / "file"
            with self.open(path) as body, open(local, "wb") as out:
                while chunk := body.read(READ_CHUNK):
                    out.write(chunk)
            yield local

    def verify(self, path: str, sha256: str, size: int) -> Check:
        if not _safe(path):
            return Check.OUTSIDE
        found = self._missing(path)
        if found is None:
            return Check.MISSING
        if found != size:
            return Check.SIZE
        digest = hashlib.sha256()
        with self.open(path) as body:
            while chunk := self._call(f"read {path}", lambda: body.read(READ_CHUNK)):
                digest.update(chunk)
        return Check.OK if digest.hexdigest() == sha256 else Check.SHA256

    def _keys(self, under: str) -> list[str]:
        """Every object name under ``prefix/under`` (relative to the prefix), sorted."""
        base = self._key(under)
        strip = len(self.prefix) + 1 if self.prefix else 0

        def listing() -> list[str]:
            out: list[str] = []
            pages = self.s3.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=base
            )
            for page in pages:
                out.extend(str(o["Key"])[strip:] for o in page.get("Contents", []))
            return sorted(out)

        return self._call("list its files", listing)

    def files(self) -> list[str]:
        return [
            k
            for k in self._keys("")
            if k != MANIFEST and not k.startswith(LINES + "/") and not k.startswith(PROBE)
        ]

    # -- the manifest ---------------------------------------------------------------------------
    def _read(self, path: str) -> bytes:
        key = self._key(path)
        return self._call(
            f"read {path}", lambda: self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        )

    def lines(self) -> list[dict[str, Any]]:
        names = self._keys(LINES + "/")
        with ThreadPoolExecutor(max_workers=8) as pool:
            bodies = list(pool.map(self._read, names))
        head = parse_manifest(self._read(MANIFEST)) if self._missing(MANIFEST) is not None else []
        return head + [line for body in bodies for line in parse_manifest(body)]

    def _known(self) -> set[str]:
        """The ids listed, read once (the caller holds the lock)."""
        if self._ids is None:
            self._ids = {str(line.get("id")) for line in self.lines()}
        return self._ids

    def ids(self) -> set[str]:
        with self._lock:
            return set(self._known())

    def append_line(self, line: dict[str, Any]) -> bool:
        aid = str(line["id"])
        with self._lock:
            known = self._known()
            if aid in known:
                return False
            known.add(aid)  # claimed: another worker never writes it twice
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
        path = f"{LINES}/{stamp}-{safe_part(aid, 'line')}.jsonl"
        body = orjson.dumps(line) + b"\n"
        key = self._key(path)
        try:
            self._call(
                "write a manifest line",
                lambda: self.s3.put_object(Bucket=self.bucket, Key=key, Body=body),
            )
            if self._read(path) != body:
                raise ArchiveUnavailable(
                    f"The archive {self.location} gave back another manifest line than it was sent."
                )
        except BaseException:
            with self._lock:
                known.discard(aid)
            raise
        return True


def _safe(path: str) -> bool:
    """A manifest's path stays under the prefix: relative, no ``..`` segment."""
    parts = path.split("/")
    return bool(path) and not path.startswith("/") and ".." not in parts and "" not in parts


class _Upload:
    """One object written part by part: a plain PUT when it fits one part, else multipart.
    Nothing is visible at the key until :meth:`complete`."""

    def __init__(self, archive: S3Archive, key: str) -> None:
        self.archive, self.key = archive, key
        self.buffer = bytearray()
        self.upload_id = ""
        self.parts: list[dict[str, Any]] = []

    def write(self, chunk: bytes) -> None:
        self.buffer += chunk
        while len(self.buffer) >= PART_SIZE:
            part = bytes(self.buffer[:PART_SIZE])
            del self.buffer[:PART_SIZE]
            self._part(part)

    def _part(self, body: bytes) -> None:
        a = self.archive
        if not self.upload_id:
            self.upload_id = a._call(
                "start an upload",
                lambda: a.s3.create_multipart_upload(Bucket=a.bucket, Key=self.key)["UploadId"],
            )
        number = len(self.parts) + 1
        etag = a._call(
            "upload a part",
            lambda: a.s3.upload_part(
                Bucket=a.bucket, Key=self.key, UploadId=self.upload_id, PartNumber=number, Body=body
            )["ETag"],
        )
        self.parts.append({"ETag": etag, "PartNumber": number})

    def complete(self) -> None:
        a = self.archive
        if not self.upload_id:
            body = bytes(self.buffer)
            a._call(
                "write a file", lambda: a.s3.put_object(Bucket=a.bucket, Key=self.key, Body=body)
            )
            return
        if self.buffer:
            self._part(bytes(self.buffer))
            self.buffer.clear()
        a._call(
            "finish an upload",
            lambda: a.s3.complete_multipart_upload(
                Bucket=a.bucket,
                Key=self.key,
                UploadId=self.upload_id,
                MultipartUpload={"Parts": self.parts},  # type: ignore[typeddict-item]
            ),
        )
        self.upload_id = ""

    def abort(self) -> None:
        a = self.archive
        self.buffer.clear()
        if self.upload_id:
            with contextlib.suppress(Exception):
                a.s3.abort_multipart_upload(Bucket=a.bucket, Key=self.key, UploadId=self.upload_id)
            self.upload_id = ""
