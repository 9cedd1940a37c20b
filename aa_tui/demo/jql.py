"""The small JQL subset the demo site understands; everything else is a 400, never a crash.

Supported: ``attachments IS [NOT] EMPTY``; ``project``, ``status``, ``statusCategory`` and
``key``/``issuekey``/``issue``/``id`` with ``= v``, ``!= v``, ``[NOT] IN (a, "b")`` (statuses by name
or id, categories by key, name or id, issues by key or id); the issue fields also compared
(``id > 10042`` by id, any number; ``key > OPS-7`` within OPS, by number: the id-range paging a
Data Center client needs); ``created``/``updated`` compared
(``= != > >= < <=``) with ``"2025-01-01"``, ``"2025/01/01 10:00"`` or a relative period like
``-30d`` / ``-2w`` / ``-12h`` / ``-90m`` (relative to the site's reference date); clauses joined by
``AND``, ``OR`` and ``NOT`` with parentheses (AND binds tighter than OR, as in Jira); and
``ORDER BY field [ASC|DESC], ...`` over ``id``, ``key``/``issuekey``, ``created``, ``updated``
and ``project``.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from aa_tui.demo import catalog as cat

if TYPE_CHECKING:
    from aa_tui.demo.site_data import DemoData

UNBOUNDED_MESSAGE = (
    "Unbounded JQL queries are not allowed here. Please add a search restriction to your query."
)
DATE_FIELDS = {
    "created": "created",
    "createddate": "created",
    "updated": "updated",
    "updateddate": "updated",
}
SORT_FIELDS = {
    "id": "id",
    "key": "key",
    "issuekey": "key",
    "created": "created",
    "createddate": "created",
    "updated": "updated",
    "updateddate": "updated",
    "project": "project",
}
COMPARE_OPS = ("=", "!=", ">", ">=", "<", "<=")
_TOKEN = re.compile(
    r"""\s*(?:(?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|(?P<op>!=|>=|<=|!~|[=<>~(),])"""
    r"""|(?P<word>[^\s"'=!<>~(),]+))"""
)
_RELATIVE = re.compile(r"^([+-]?)((?:\d+[wdhm]\s*)+)$")
_ABSOLUTE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:\s+(\d{1,2}):(\d{2}))?$")


class JqlError(ValueError):
    """A query the demo site rejects; ``str()`` is the message Jira-style clients show."""


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # str / op / word
    text: str  # unquoted value
    pos: int


@dataclass(frozen=True, slots=True)
class Clause:
    """A leaf: ``field`` is attachments / project / created / updated / status /
    statusCategory / key; ``values`` are resolved indices, ``epoch`` a date's bound."""

    field: str
    op: str  # "empty", "not empty", "in", "not in", or a comparison for dates
    values: frozenset[int] = frozenset()
    epoch: int = 0  # created / updated: the date compared with, in epoch seconds
    number: int = 0  # "idcmp": the issue id compared with; "keycmp": the issue number


@dataclass(frozen=True, slots=True)
class Node:
    """``AND`` / ``OR`` of children, or ``NOT`` of one child."""

    kind: str  # and / or / not
    children: tuple[Node | Clause, ...]


@dataclass(slots=True)
class Query:
    """A parsed query: the ``where`` tree (None: unbounded) and sort keys (field, descending)."""

    where: Node | Clause | None = None
    order: list[tuple[str, bool]] = field(default_factory=list)

    @property
    def bounded(self) -> bool:
        return self.where is not None


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise JqlError(
                f"Error in the JQL Query: The character '{text[pos]}' is a reserved JQL character."
                f" You must enclose it in a string or use the escape '\\u{ord(text[pos]):04x}'"
                f" instead. (line 1, character {pos + 1})"
            )
        assert m.lastgroup is not None  # the match is not empty: one group took it
        start = m.start(m.lastgroup)
        if m.group("str") is not None:
            raw = m.group("str")[1:-1]
            tokens.append(Token("str", re.sub(r"\\(.)", r"\1", raw), start))
        elif m.group("op") is not None:
            tokens.append(Token("op", m.group("op"), start))
        else:
            tokens.append(Token("word", m.group("word"), start))
        pos = m.end()
    return tokens


def parse_jql(
    text: str,
    project_index: Callable[[str], int | None],
    issue_index: Callable[[str], int | None] = lambda _: None,
    data: DemoData | None = None,
    now: int = cat.REFERENCE_EPOCH,
) -> Query:
    """Parse ``text``. ``project_index`` maps a key, name or id to a visible project and
    ``issue_index`` a key or id to a visible issue (None: unknown, a 400); ``data`` gives an
    issue's project and number (``key > OPS-7``); relative periods count back from ``now``."""
    parser = _Parser(tokenize(text or ""), project_index, issue_index)
    parser.now = now
    if data is not None:
        parser.issue_project, parser.issue_num = (
            data.issue_project.__getitem__,
            data.issue_num.__getitem__,
        )
    return parser.parse()


def parse_date(value: str, field_name: str, now: int = cat.REFERENCE_EPOCH) -> int:
    """Epoch seconds for a JQL date value (absolute, or relative to ``now``)."""
    text = value.strip()
    m = _ABSOLUTE.match(text)
    if m:
        y, mo, d, hh, mm = (int(g) if g else 0 for g in m.groups())
        try:
            if not (1 <= mo <= 12 and 1 <= d <= calendar.monthrange(y, mo)[1]):
                raise ValueError
            if hh > 23 or mm > 59:
                raise ValueError
            return calendar.timegm((y, mo, d, hh, mm, 0))
        except ValueError:
            pass
    m = _RELATIVE.match(text)
    if m:
        units = {"w": 604800, "d": 86400, "h": 3600, "m": 60}
        seconds = sum(int(n) * units[u] for n, u in re.findall(r"(\d+)([wdhm])", m.group(2)))
        return now - seconds if m.group(1) == "-" else now + seconds
    raise JqlError(
        f"Date value '{value}' for field '{field_name}' is invalid. Valid formats include: "
        "'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period "
        "format e.g. '-5d', '4w 2d'."
    )


class _Parser:
    def __init__(
        self,
        tokens: list[Token],
        project_index: Callable[[str], int | None],
        issue_index: Callable[[str], int | None],
    ) -> None:
        self.tokens = tokens
        self.i = 0
        self.project_index = project_index
        self.issue_index = issue_index
        self.issue_project: Callable[[int], int] = lambda _: -1
        self.issue_num: Callable[[int], int] = lambda _: 0
        self.now = cat.REFERENCE_EPOCH

    # -- helpers
    def peek(self) -> Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> Token:
        tok = self.peek()
        if tok is None:
            raise JqlError("Error in the JQL Query: The query ended unexpectedly.")
        self.i += 1
        return tok

    def is_word(self, tok: Token | None, *words: str) -> bool:
        return tok is not None and tok.kind == "word" and tok.text.lower() in words

    def is_op(self, tok: Token | None, *ops: str) -> bool:
        return tok is not None and tok.kind == "op" and tok.text in ops

    def expect_word(self, *words: str) -> Token:
        tok = self.take()
        if not self.is_word(tok, *words):
            raise self.unexpected(tok, f"'{words[0].upper()}'")
        return tok

    def unexpected(self, tok: Token, wanted: str) -> JqlError:
        return JqlError(
            f"Error in the JQL Query: Expecting {wanted} but got '{tok.text}'. "
            f"(line 1, character {tok.pos + 1})"
        )

    # -- grammar: or := and (OR and)*; and := not (AND not)*; not := NOT not | ( or ) | clause
    def parse(self) -> Query:
        q = Query()
        if self.peek() is not None and not self.is_word(self.peek(), "order"):
            q.where = self.or_expr()
            tok = self.peek()
            if tok is not None and not self.is_word(tok, "order"):
                raise self.unexpected(tok, "either 'OR' or 'AND'")
        if self.peek() is not None:
            q.order = self.order_by()
        return q

    def or_expr(self) -> Node | Clause:
        parts = [self.and_expr()]
        while self.is_word(self.peek(), "or"):
            self.take()
            parts.append(self.and_expr())
        return parts[0] if len(parts) == 1 else Node("or", tuple(parts))

    def and_expr(self) -> Node | Clause:
        parts = [self.not_expr()]
        while self.is_word(self.peek(), "and"):
            self.take()
            parts.append(self.not_expr())
        return parts[0] if len(parts) == 1 else Node("and", tuple(parts))

    def not_expr(self) -> Node | Clause:
        tok = self.peek()
        if self.is_word(tok, "not"):
            self.take()
            return Node("not", (self.not_expr(),))
        if self.is_op(tok, "("):
            self.take()
            inner = self.or_expr()
            close = self.take()
            if not self.is_op(close, ")"):
                raise self.unexpected(close, "')'")
            return inner
        return self.clause()

    def clause(self) -> Clause:
        tok = self.take()
        if tok.kind == "op":
            raise self.unexpected(tok, "a field name")
        name = tok.text.lower()
        if name in ("attachments", "attachment"):
            self.expect_word("is")
            negate = self.is_word(self.peek(), "not")
            if negate:
                self.take()
            self.expect_word("empty", "null")
            return Clause("attachments", "not empty" if negate else "empty")
        if name in DATE_FIELDS:
            op = self.take()
            if op.kind != "op" or op.text not in COMPARE_OPS:
                raise self.unexpected(op, "operator")
            value = self.value()
            epoch = parse_date(value.text, tok.text, self.now)
            return Clause(DATE_FIELDS[name], op.text, epoch=epoch)
        resolve = {
            "project": self.resolve_project,
            "status": _resolve_status,
            "statuscategory": _resolve_category,
            "key": self.resolve_issue,
            "issuekey": self.resolve_issue,
            "issue": self.resolve_issue,
            "id": self.resolve_issue,
        }.get(name)
        if resolve is None:
            raise JqlError(
                f"Field '{tok.text}' does not exist or you do not have permission to view it."
            )
        if resolve == self.resolve_issue and self.is_op(self.peek(), ">", ">=", "<", "<="):
            return self.issue_comparison(tok.text)
        list_op, values = self.list_operator()
        found = frozenset(resolve(v.text, tok.text) for v in values)
        field_name = "key" if resolve == self.resolve_issue else name
        return Clause(field_name, list_op, found)

    def issue_comparison(self, field_name: str) -> Clause:
        """``id > 10042`` (any number) or ``key >= OPS-7`` (an existing issue: its project,
        compared by number)."""
        op = self.take().text
        value = self.value().text.strip()
        if value.isdigit():
            return Clause("idcmp", op, number=int(value))
        i = self.resolve_issue(value, field_name)
        return Clause("keycmp", op, frozenset({self.issue_project(i)}), number=self.issue_num(i))

    def list_operator(self) -> tuple[str, list[Token]]:
        """``= v`` / ``!= v`` / ``[NOT] IN (a, b)`` -> ("in" | "not in", values)."""
        op = self.take()
        if self.is_op(op, "=", "!="):
            return ("not in" if op.text == "!=" else "in"), [self.value()]
        if not self.is_word(op, "in", "not"):
            raise self.unexpected(op, "operator")
        negate = op.text.lower() == "not"
        if negate:
            self.expect_word("in")
        opener = self.take()
        if not self.is_op(opener, "("):
            raise self.unexpected(opener, "'('")
        values = [self.value()]
        while True:
            sep = self.take()
            if self.is_op(sep, ")"):
                break
            if not self.is_op(sep, ","):
                raise self.unexpected(sep, "')'")
            values.append(self.value())
        return ("not in" if negate else "in"), values

    def resolve_project(self, text: str, field_name: str) -> int:
        p = self.project_index(text)
        if p is None:
            raise JqlError(f"The value '{text}' does not exist for the field '{field_name}'.")
        return p

    def resolve_issue(self, text: str, field_name: str) -> int:
        i = self.issue_index(text)
        if i is None:
            raise JqlError(f"An issue with key '{text}' does not exist for field '{field_name}'.")
        return i

    def value(self) -> Token:
        tok = self.take()
        if tok.kind == "op":
            raise self.unexpected(tok, "either a value, list or function")
        return tok

    def order_by(self) -> list[tuple[str, bool]]:
        self.expect_word("order")
        self.expect_word("by")
        order: list[tuple[str, bool]] = []
        while True:
            tok = self.take()
            key = SORT_FIELDS.get(tok.text.lower()) if tok.kind != "op" else None
            if key is None:
                raise JqlError(f"Not able to sort using field '{tok.text}'.")
            desc = False
            if self.is_word(self.peek(), "asc", "desc"):
                desc = self.take().text.lower() == "desc"
            order.append((key, desc))
            nxt = self.peek()
            if nxt is None:
                break
            if not self.is_op(nxt, ","):
                raise self.unexpected(nxt, "',' or the end of the query")
            self.take()
        if len(order) > 7:
            raise JqlError("The ORDER BY clause can contain a maximum of 7 fields.")
        return order


def _resolve_status(text: str, field_name: str) -> int:
    low = text.strip().lower()
    for s, info in enumerate(cat.STATUSES):
        if low in (info.name.lower(), info.id):
            return s
    raise JqlError(f"The value '{text}' does not exist for the field '{field_name}'.")


def _resolve_category(text: str, field_name: str) -> int:
    """Status categories by key (``done``), name (``"To Do"``) or id; the index in STATUS_CATEGORIES."""
    low = text.strip().lower()
    for c, (key, (cid, name, _color)) in enumerate(cat.STATUS_CATEGORIES.items()):
        if low in (key, name.lower(), str(cid)):
            return c
    raise JqlError(f"The value '{text}' does not exist for the field '{field_name}'.")
