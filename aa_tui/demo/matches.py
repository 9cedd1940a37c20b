"""Running a parsed JQL query (:mod:`aa_tui.demo.jql`) over the generated site: the matching
issue indices in the query's order, quickly pre-filtered by project, key and id bounds."""

from __future__ import annotations

from array import array
from collections.abc import Callable, Set
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


def _compile(
    node: Node | Clause, data: DemoData, deleted: Set[int] | None, uploaded: Set[int]
) -> Callable[[int], bool]:
    """A predicate over issue indices for one node of the tree."""
    if isinstance(node, Node):
        parts = [_compile(c, data, deleted, uploaded) for c in node.children]
        if node.kind == "not":
            inner = parts[0]
            return lambda i: not inner(i)
        if node.kind == "and":
            return lambda i: all(p(i) for p in parts)
        return lambda i: any(p(i) for p in parts)
    f, op, values = node.field, node.op, node.values
    if f == "attachments":
        want = op == "not empty"
        att_start = data.att_start
        if deleted or uploaded:
            gone = deleted or set()
            return lambda i: (
                (i in uploaded or any(j not in gone for j in range(att_start[i], att_start[i + 1])))
                == want
            )
        return lambda i: (att_start[i + 1] > att_start[i]) == want
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


def run_query(
    data: DemoData,
    query: Query,
    hidden: frozenset[int] = frozenset(),
    deleted: Set[int] | None = None,
    uploaded: Set[int] | None = None,
) -> array[int]:
    """Issue indices matching ``query`` in its order (id ascending by default).

    ``deleted``: attachment indices gone; ``uploaded``: issues with live uploaded files."""
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
        test = _compile(query.where, data, deleted, uploaded or set())
        out.extend(i for i in candidates if test(i))
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
