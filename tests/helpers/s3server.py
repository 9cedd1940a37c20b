"""A real S3-compatible server on 127.0.0.1 for the S3 archive's tests: s3rver (npm), which the
fixture installs into ``.s3rver/`` of the checkout on first use. It answers the S3 REST API over HTTP
(put, multipart, get, list, delete) and refuses an access key it does not know."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ACCESS_KEY = SECRET_KEY = "S3RVER"  # the keys s3rver accepts


S3RVER = "s3rver@3.7.1"


def install_s3rver() -> None:
    """``npm install`` s3rver into ``.s3rver/`` once (the README's test command then needs
    nothing more than npm; a lock keeps two test workers from installing it at once)."""
    import fcntl

    npm = shutil.which("npm")
    if npm is None:
        return
    (ROOT / ".s3rver").mkdir(exist_ok=True)
    with open(ROOT / ".s3rver" / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if s3rver_binary() is None:
            subprocess.run(
                [npm, "install", "--prefix", str(ROOT / ".s3rver"), "--no-audit", "--no-fund",
                 "--silent", S3RVER],
                check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300,
            )  # fmt: skip


def s3rver_binary() -> str | None:
    for candidate in (
        os.environ.get("AA_TUI_S3RVER", ""),
        str(ROOT / ".s3rver" / "node_modules" / ".bin" / "s3rver"),
        shutil.which("s3rver") or "",
    ):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class S3Server:
    """One s3rver process with its data in ``folder``; :meth:`env` is how a client finds it."""

    def __init__(self, folder: Path) -> None:
        binary = s3rver_binary()
        if binary is None:
            install_s3rver()
            binary = s3rver_binary()
        if binary is None:
            message = f"s3rver is not installed and npm could not install it ({S3RVER})"
            if os.environ.get("CI"):
                pytest.fail(message)
            pytest.skip(message)
        self._client = None
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [binary, "-d", str(folder), "-a", "127.0.0.1", "-p", str(self.port), "--silent"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("s3rver did not start") from None
                time.sleep(0.1)

    def env(self, *, access_key: str = ACCESS_KEY, endpoint: str = "") -> dict[str, str]:
        """The standard AWS variables pointing at this server (no shared files read)."""
        return {
            "AWS_ACCESS_KEY_ID": access_key,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "AWS_ENDPOINT_URL_S3": endpoint or self.url,
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_EC2_METADATA_DISABLED": "true",
        }

    def client(self):  # noqa: ANN201 - a boto3 S3 client
        """The tests' own client of this server, made once (~0.15 s of CPU each time)."""
        if self._client is None:
            import boto3

            self._client = boto3.session.Session(
                aws_access_key_id=ACCESS_KEY,
                aws_secret_access_key=SECRET_KEY,
                region_name="us-east-1",
            ).client("s3", endpoint_url=self.url)
        return self._client

    def new_bucket(self) -> str:
        name = "aa-" + uuid.uuid4().hex[:16]
        self.client().create_bucket(Bucket=name)
        return name

    def objects(self, bucket: str, prefix: str = "") -> dict[str, bytes]:
        """Every object under ``prefix``, name -> bytes."""
        c = self.client()
        out = {}
        for page in c.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            for o in page.get("Contents", []):
                out[o["Key"]] = c.get_object(Bucket=bucket, Key=o["Key"])["Body"].read()
        return out

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
