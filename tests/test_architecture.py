"""The layers hold: import-linter's contracts (pyproject.toml) pass, and they can fail."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT = Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.skipif(not LINT.exists(), reason="import-linter is not installed")


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT), "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_every_contract_is_kept():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        (
            "tui/format.py",
            "import aa_tui.jira.cloud.client",
            "The faces go through the service layer",
        ),
        ("store/atomic.py", "import aa_tui.scan.engine", "Layers"),
        ("scan/stats.py", "import textual", "Below the faces nothing imports Textual"),
        ("demo/content.py", "import aa_tui.model.records", "The demo site stands apart"),
        ("scan/engine.py", "import aa_tui.jira.cloud.client", "Only jira.connect names"),
    ],
)
def test_a_broken_layer_is_caught(tmp_path, module, line, contract):
    """The same contracts on a copy of the package with one forbidden import added."""
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copytree(ROOT / "aa_tui", tmp_path / "aa_tui", ignore=shutil.ignore_patterns("*.pyc"))
    target = tmp_path / "aa_tui" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}  # noqa\n", "utf-8")
    result = _lint(tmp_path)
    assert result.returncode != 0
    broken = [row for row in result.stdout.splitlines() if row.endswith("BROKEN")]
    assert any(row.startswith(contract) for row in broken), result.stdout


def test_the_engine_store_and_cli_scan_path_never_import_textual():
    # (rich is not checked: httpx imports it for its own command line when it is installed)
    code = (
        "import sys\n"
        "import aa_tui.cli, aa_tui.cli_progress, aa_tui.service.scanning,"
        " aa_tui.service.workspace, aa_tui.service.errors, aa_tui.scan.engine,"
        " aa_tui.store.store\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_no_rest_path_outside_jira_and_the_demo():
    """Endpoints belong to a Jira implementation (aa_tui/jira/) or the demo site: elsewhere
    code, comments and docstrings name the operation (``JiraSite``), never a REST path."""
    package = ROOT / "aa_tui"
    found = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for path in sorted(package.rglob("*.py"))
        if path.relative_to(package).parts[0] not in ("jira", "demo")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if "/rest/api/" in line
    ]
    assert not found, "\n".join(found)
