"""The log file (``aa-tui.log`` in the data dir, mode 0600) with secrets redacted."""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

LOG_FILE = "aa-tui.log"
_secrets: set[str] = set()
_lock = threading.Lock()


def register_secret(value: str) -> None:
    """Never let ``value`` reach the log, whatever message carries it."""
    if value and len(value) >= 4:
        with _lock:
            _secrets.add(value)


def redact(text: str) -> str:
    with _lock:
        secrets = list(_secrets)
    for secret in secrets:
        text = text.replace(secret, "[redacted]")
    return text


class RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def setup_logging(data_dir: Path, level: int = logging.INFO) -> Path:
    """Log ``aa_tui.*`` to the data dir; idempotent."""
    path = Path(data_dir) / LOG_FILE
    logger = logging.getLogger("aa_tui")
    for handler in logger.handlers:
        if isinstance(handler, logging.FileHandler) and Path(handler.baseFilename) == path:
            return path
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
    os.chmod(path, 0o600)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False
    return path
