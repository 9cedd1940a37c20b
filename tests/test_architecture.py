"""The layers hold: import-linter's contracts (pyproject.toml) pass, and they can fail; no
import cycle between modules; no folder where name prefixes do the job of a package."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import defaultdict
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
        ("analysis/facts.py", "import aa_tui.scan.stats", "Layers"),
        ("scan/stats.py", "import aa_tui.reports.json_file", "Layers"),
        ("tui/format.py", "import aa_tui.analysis.insights", "The faces go through the service"),
        ("cli/threads.py", "import aa_tui.cli.entry", "No cycles between sibling modules"),
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
        "import aa_tui.cli, aa_tui.cli.progress, aa_tui.cli.scan, aa_tui.service.scanning,"
        " aa_tui.service.workspace, aa_tui.service.errors, aa_tui.scan.engine,"
        " aa_tui.store.store\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def _cycles(graph) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append(
                        (child, iter(sorted(graph.find_modules_directly_imported_by(child))))
                    )
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_import_cycle_between_modules():
    """Every import counts, also those under ``if TYPE_CHECKING:`` and inside functions."""
    grimp = pytest.importorskip("grimp")
    graph = grimp.build_graph("aa_tui", exclude_type_checking_imports=False, cache_dir=None)
    assert _cycles(graph) == []


class _Graph:
    """A graph given as ``{module: [what it imports]}``, asked what grimp's is asked."""

    def __init__(self, imports: dict[str, list[str]]) -> None:
        self.modules = set(imports)
        self._imports = imports

    def find_modules_directly_imported_by(self, module: str) -> set[str]:
        return set(self._imports.get(module, ()))


def test_cycles_are_found():
    graph = _Graph({"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"], "e": []})
    assert _cycles(graph) == [["a", "b", "c"]]


def _folders() -> list[Path]:
    package = ROOT / "aa_tui"
    return [package, *sorted(p for p in package.rglob("*") if (p / "__init__.py").is_file())]


def _modules(folder: Path) -> list[str]:
    """The folder's modules and subpackages, by name."""
    names = [p.stem for p in folder.glob("*.py") if not p.stem.startswith("__")]
    names += [p.name for p in folder.iterdir() if (p / "__init__.py").is_file()]
    return sorted(names)


def test_no_three_modules_share_a_name_prefix():
    """``clean_apply, clean_plan, clean_x`` in one folder is a package in all but name."""
    crowded = []
    for folder in _folders():
        where = folder.relative_to(ROOT / "aa_tui").as_posix()
        by_prefix: dict[str, list[str]] = defaultdict(list)
        for name in _modules(folder):
            by_prefix[name.split("_")[0]].append(name)
        crowded += [
            f"{where}/: {', '.join(names)}"
            for prefix, names in by_prefix.items()
            if len(names) >= 3
        ]
    assert crowded == []


def test_no_two_modules_of_a_folder_differ_only_by_underscores():
    """``grouplist`` beside ``group_list`` says the same thing twice."""
    twins = []
    for folder in _folders():
        by_spelling: dict[str, list[str]] = defaultdict(list)
        for name in _modules(folder):
            by_spelling[name.replace("_", "")].append(name)
        twins += [names for names in by_spelling.values() if len(names) > 1]
    assert twins == []


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
