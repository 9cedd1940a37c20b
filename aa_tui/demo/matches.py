"""Running a parsed JQL query (:mod:`aa_tui.demo.jql`) over the generated site: the matching
issue indices in the query's order, quickly pre-filtered by project, key, id and date bounds.

Jira answers a search from its index; the demo site tests each candidate in Python, which at
1,000,000 issues cost ~3 s of its CPU for a rescan's first searches (its 16 id ranges and its
``updated >= -90m``), a cost no real site has. So which issues have files is one table per
state of the site (:func:`live_issues`), and a date bound narrows the candidates at C speed
before each is tested."""

from __future__ import annotations

import operator
from array import array
from collections.abc import Callable, Iterable, Set
from functools import partial
from itertools import compress, islice
from typing import TYPE_CHECKING

from aa_tui.demo import catalog as cat
from aa_tui.demo.jql import Clause, Node, Query

if TYPE_CHECKING:
    from aa_tui.demo.site_data import DemoData


_OPS: dict[str, Callable[[int, int], bool]] = {
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
}
_CATEGORY_KEYS = tuple(cat.STATUS_CATEGORIES)


#: ``op`` -> the bound as a test of an issue's date, ``bound(epoch)(date)``, in C
_DATE_BOUNDS: dict[str, Callable[[int], Callable[[int], bool]]] = {
    ">=": lambda epoch: partial(operator.le, epoch),
    ">": lambda epoch: partial(operator.lt, epoch),
    "<=": lambda epoch: partial(operator.ge, epoch),
    "<": lambda epoch: partial(operator.gt, epoch),
}


def live_issues(
    data: DemoData, deleted: Set[int] | None = None, uploaded: Set[int] | None = None
) -> bytearray:
    """1 for each issue with a file now (a generated one not ``deleted``, or a live upload:
    ``uploaded`` names their issues), else 0."""
    start = data.att_start
    live = bytearray(map(operator.lt, start, islice(start, 1, None)))
    gone = deleted or frozenset()
    generated = data.attachment_count
    for i in {data.att_issue[j] for j in gone if j < generated}:
        live[i] = any(j not in gone for j in range(start[i], start[i + 1]))
    for i in uploaded or ():
        live[i] = 1
    return live


def _all(parts: list[Callable[[int], bool]]) -> Callable[[int], bool]:
    """Whether every part holds (one loop, no generator per issue: a third of a test's time;
    flat, not nested: a JQL of a thousand ANDed clauses stays within the recursion limit)."""
    if len(parts) == 2:
        a, b = parts
        return lambda i: a(i) and b(i)

    def holds(i: int) -> bool:
        for part in parts:  # noqa: SIM110 - no generator per issue
            if not part(i):
                return False
        return True

    return holds


def _any(parts: list[Callable[[int], bool]]) -> Callable[[int], bool]:
    """Whether a part holds (see :func:`_all`)."""
    if len(parts) == 2:
        a, b = parts
        return lambda i: a(i) or b(i)

    def holds(i: int) -> bool:
        for part in parts:  # noqa: SIM110 - no generator per issue
            if part(i):
                return True
        return False

    return holds


def uses_files(node: Node | Clause | None) -> bool:
    """Whether ``node`` asks which issues have files (an ``attachments`` clause)."""
    if node is None:
        return False
    if isinstance(node, Clause):
        return node.field == "attachments"
    return any(uses_files(child) for child in node.children)


def _compile(node: Node | Clause, data: DemoData, live: bytearray | None) -> Callable[[int], bool]:
    """A predicate over issue indices for one node of the tree (``live``: which issues have
    files, :func:`live_issues`; needed when :func:`uses_files`)."""
    if isinstance(node, Node):
        parts = [_compile(c, data, live) for c in node.children]
        if node.kind == "not":
            inner = parts[0]
            return lambda i: not inner(i)
        if len(parts) == 1:
            return parts[0]
        return _all(parts) if node.kind == "and" else _any(parts)
    f, op, values = node.field, node.op, node.values
    if f == "attachments":
        assert live is not None
        if op == "not empty":
            return live.__getitem__  # type: ignore[return-value]
        files = live
        return lambda i: not files[i]
    if f == "idcmp":
        cmp, number = _OPS[node.op], node.number
        return lambda i: cmp(cat.ISSUE_ID_BASE + i, number)
    if f == "keycmp":
        cmp, number, arr, nums = _OPS[node.op], node.number, data.issue_project, data.issue_num
        return lambda i: arr[i] in node.values and cmp(nums[i], number)
    if f in ("created", "updated"):
        arr = data.issue_created if f == "created" else data.issue_updated
        cmp, epoch = _OPS[op], node.epoch
        return lambda i: cmp(arr[i], epoch)
    negate = op == "not in"
    if f == "project":
        arr = data.issue_project
        return lambda i: (arr[i] in values) != negate
    if f == "status":
        arr = data.issue_status
        return lambda i: (arr[i] in values) != negate
    if f == "statuscategory":
        cats = {_CATEGORY_KEYS[c] for c in values}
        statuses = {s for s, info in enumerate(cat.STATUSES) if info.category in cats}
        arr = data.issue_status
        return lambda i: (arr[i] in statuses) != negate
    return lambda i: (i in values) != negate  # key


def _bounds(node: Node | Clause) -> tuple[set[int] | None, set[int] | None]:
    """``(projects, issues)`` that can match (None: no bound); a quick pre-filter only."""
    if isinstance(node, Clause):
        if node.field == "keycmp":
            return set(node.values), None
        if node.op == "in" and node.field == "project":
            return set(node.values), None
        if node.op == "in" and node.field == "key":
            return None, set(node.values)
        return None, None
    if node.kind == "not":
        return None, None
    bounds = [_bounds(c) for c in node.children]
    out: list[set[int] | None] = []
    for k in (0, 1):
        sets = [b[k] for b in bounds]
        known = [s for s in sets if s is not None]
        if node.kind == "and":
            out.append(set.intersection(*known) if known else None)
        else:
            out.append(set[int]().union(*known) if len(known) == len(sets) else None)
    return out[0], out[1]


def _id_floor(node: Node | Clause) -> int:
    """The lowest issue index an ``id >``/``id >=`` bound lets match (0: none): id-range pages
    of a large site skip what came before instead of testing it again."""
    if isinstance(node, Clause):
        if node.field == "idcmp" and node.op in (">", ">="):
            return max(0, node.number - cat.ISSUE_ID_BASE + (node.op == ">"))
        return 0
    if node.kind == "and":
        return max(_id_floor(c) for c in node.children)
    if node.kind == "or":
        return min(_id_floor(c) for c in node.children)
    return 0


def _id_ceiling(node: Node | Clause, count: int) -> int:
    """One past the highest issue index an ``id <``/``id <=`` bound lets match (``count``:
    none): id-range queries listed side by side each test their own range alone."""
    if isinstance(node, Clause):
        if node.field == "idcmp" and node.op in ("<", "<="):
            return max(0, min(count, node.number - cat.ISSUE_ID_BASE + (node.op == "<=")))
        return count
    if node.kind == "and":
        return min(_id_ceiling(c, count) for c in node.children)
    if node.kind == "or":
        return max(_id_ceiling(c, count) for c in node.children)
    return count


def _date_bounds(node: Node | Clause) -> list[tuple[str, str, int]]:
    """The ``(field, op, epoch)`` of each ``created``/``updated`` bound every match has (the
    clauses ANDed at the top)."""
    if isinstance(node, Clause):
        if node.field in ("created", "updated") and node.op in _DATE_BOUNDS:
            return [(node.field, node.op, node.epoch)]
        return []
    if node.kind == "and":
        return [bound for child in node.children for bound in _date_bounds(child)]
    return []


def run_query(
    data: DemoData,
    query: Query,
    hidden: frozenset[int] = frozenset(),
    deleted: Set[int] | None = None,
    uploaded: Set[int] | None = None,
    live: bytearray | None = None,
) -> array[int]:
    """Issue indices matching ``query`` in its order (id ascending by default).

    ``deleted``: attachment indices gone; ``uploaded``: issues with live uploaded files;
    ``live``: :func:`live_issues` of those, when known already."""
    projects = set(range(len(cat.PROJECTS))) - set(hidden)
    issues: set[int] | None = None
    if query.where is not None:
        bound_projects, issues = _bounds(query.where)
        if bound_projects is not None:
            projects &= bound_projects
    candidates: range | list[int]
    count = data.issue_count
    floor = _id_floor(query.where) if query.where is not None else 0
    top = _id_ceiling(query.where, count) if query.where is not None else count
    if issues is not None:
        candidates = sorted(
            i for i in issues if data.issue_project[i] in projects and floor <= i < top
        )
    elif len(projects) == len(cat.PROJECTS):
        candidates = range(min(floor, count), max(min(floor, count), top))
    else:
        # a moved issue stays listed under its old project too (its old key still finds it)
        candidates = sorted(
            {i for p in projects for i in data.project_issues[p] if floor <= i < top}
        )
    out = array("L")
    if query.where is None:
        out.extend(candidates)
    else:
        for field, op, epoch in _date_bounds(query.where):
            dates = data.issue_created if field == "created" else data.issue_updated
            within = _DATE_BOUNDS[op](epoch)
            if isinstance(candidates, range):  # (a range of step 1, see above)
                values: Iterable[int] = dates[candidates.start : candidates.stop]
            else:
                values = map(dates.__getitem__, candidates)
            candidates = list(compress(candidates, map(within, values)))
        if live is None and uses_files(query.where):
            live = live_issues(data, deleted, uploaded)
        test = _compile(query.where, data, live)
        out.extend(filter(test, candidates))
    for key, desc in reversed(query.order):
        out = array("L", sorted(out, key=_sort_key(data, key), reverse=desc))
    return out


def _sort_key(data: DemoData, key: str) -> Callable[[int], int | str | tuple[str, int]]:
    if key == "created":
        return data.issue_created.__getitem__
    if key == "updated":
        return data.issue_updated.__getitem__
    if key == "key":
        return lambda i: (cat.PROJECTS[data.issue_project[i]].key, data.issue_num[i])
    if key == "project":
        return lambda i: cat.PROJECTS[data.issue_project[i]].key
    return int
