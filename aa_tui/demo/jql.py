"""The small JQL subset the demo site understands; everything else is a 400, never a crash.

Supported: ``attachments IS [NOT] EMPTY``, ``project = X`` / ``!=`` / ``[NOT] IN (A, "B")``,
``created``/``updated`` compared (``= != > >= < <=``) with ``"2025-01-01"``, ``"2025/01/01 10:00"``
or a relative period like ``-30d`` / ``-2w`` / ``-12h`` / ``-90m`` (relative to the site's
reference date), clauses joined by ``AND`` (grouped in parentheses if wished, as aa-tui wraps
a user's JQL), and ``ORDER BY field [ASC|DESC], ...`` over
``id``, ``key``/``issuekey``, ``created``, ``updated`` and ``project``.
"""

from __future__ import annotations

import calendar
import re
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field

from aa_tui.demo import catalog as cat

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


@dataclass(slots=True)
class Query:
    """A parsed query: AND-ed predicates and sort keys (field, descending)."""

    attachments: bool | None = None  # True: IS NOT EMPTY, False: IS EMPTY
    projects_in: set[int] | None = None
    projects_out: set[int] = field(default_factory=set)
    dates: list[tuple[str, str, int]] = field(default_factory=list)  # (field, op, epoch)
    order: list[tuple[str, bool]] = field(default_factory=list)
    clauses: int = 0

    @property
    def bounded(self) -> bool:
        return self.clauses > 0


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


def parse_jql(text: str, project_index: Callable[[str], int | None]) -> Query:
    """Parse ``text``; ``project_index`` maps a key, name or id to a project (None: unknown)."""
    return _Parser(tokenize(text or ""), project_index).parse()


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
    def __init__(self, tokens: list[Token], project_index: Callable[[str], int | None]) -> None:
        self.tokens = tokens
        self.i = 0
        self.project_index = project_index
        self.q = Query()

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

    # -- grammar
    def parse(self) -> Query:
        if self.peek() is not None and not self.is_word(self.peek(), "order"):
            self.term()
            while self.peek() is not None and not self.is_word(self.peek(), "order"):
                tok = self.take()
                if self.is_word(tok, "and"):
                    self.term()
                elif self.is_word(tok, "or", "not") or tok.text in ("(", ")"):
                    raise JqlError(
                        f"Error in the JQL Query: '{tok.text}' is not supported by the demo "
                        f"site (only AND). (line 1, character {tok.pos + 1})"
                    )
                else:
                    raise self.unexpected(tok, "either 'OR' or 'AND'")
        if self.peek() is not None:
            self.order_by()
        return self.q

    def term(self) -> None:
        """A clause, or ``( term AND term ... )``: parentheses only group (no OR in the demo)."""
        tok = self.peek()
        if tok is None or tok.kind != "op" or tok.text != "(":
            self.clause()
            return
        self.take()
        self.term()
        while True:
            tok = self.take()
            if tok.kind == "op" and tok.text == ")":
                return
            if self.is_word(tok, "and"):
                self.term()
            elif self.is_word(tok, "or", "not"):
                raise JqlError(
                    f"Error in the JQL Query: '{tok.text}' is not supported by the demo "
                    f"site (only AND). (line 1, character {tok.pos + 1})"
                )
            else:
                raise self.unexpected(tok, "')'")

    def clause(self) -> None:
        tok = self.take()
        if tok.kind == "op":
            raise self.unexpected(tok, "a field name")
        name = tok.text.lower()
        self.q.clauses += 1
        if name in ("attachments", "attachment"):
            self.expect_word("is")
            negate = self.is_word(self.peek(), "not")
            if negate:
                self.take()
            self.expect_word("empty", "null")
            self.q.attachments = negate
        elif name == "project":
            self.project_clause()
        elif name in DATE_FIELDS:
            op = self.take()
            if op.kind != "op" or op.text not in COMPARE_OPS:
                raise self.unexpected(op, "operator")
            value = self.take()
            if value.kind == "op":
                raise self.unexpected(value, "either a value, list or function")
            self.q.dates.append((DATE_FIELDS[name], op.text, parse_date(value.text, tok.text)))
        else:
            raise JqlError(
                f"Field '{tok.text}' does not exist or you do not have permission to view it."
            )

    def project_clause(self) -> None:
        op = self.take()
        values: list[Token]
        negate = False
        if op.kind == "op" and op.text in ("=", "!="):
            negate = op.text == "!="
            values = [self.value()]
        elif self.is_word(op, "in", "not"):
            if op.text.lower() == "not":
                self.expect_word("in")
                negate = True
            opener = self.take()
            if opener.text != "(":
                raise self.unexpected(opener, "'('")
            values = [self.value()]
            while True:
                sep = self.take()
                if sep.text == ")":
                    break
                if sep.text != ",":
                    raise self.unexpected(sep, "')'")
                values.append(self.value())
        else:
            raise self.unexpected(op, "operator")
        found: set[int] = set()
        for v in values:
            p = self.project_index(v.text)
            if p is None:
                raise JqlError(f"The value '{v.text}' does not exist for the field 'project'.")
            found.add(p)
        if negate:
            self.q.projects_out |= found
        elif self.q.projects_in is None:
            self.q.projects_in = found
        else:
            self.q.projects_in &= found

    def value(self) -> Token:
        tok = self.take()
        if tok.kind == "op":
            raise self.unexpected(tok, "either a value, list or function")
        return tok

    def order_by(self) -> None:
        self.expect_word("order")
        self.expect_word("by")
        while True:
            tok = self.take()
            key = SORT_FIELDS.get(tok.text.lower()) if tok.kind != "op" else None
            if key is None:
                raise JqlError(f"Not able to sort using field '{tok.text}'.")
            desc = False
            nxt = self.peek()
            if self.is_word(nxt, "asc", "desc"):
                desc = self.take().text.lower() == "desc"
            self.q.order.append((key, desc))
            nxt = self.peek()
            if nxt is None:
                break
            if nxt.text != ",":
                raise self.unexpected(nxt, "',' or the end of the query")
            self.take()
        if len(self.q.order) > 7:
            raise JqlError("The ORDER BY clause can contain a maximum of 7 fields.")


_OPS: dict[str, Callable[[int, int], bool]] = {
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
}


def run_query(
    data, query: Query, hidden: frozenset[int] = frozenset(), deleted: set[int] | None = None
) -> array:
    """Issue indices matching ``query`` in its order (id ascending by default)."""
    projects = set(range(len(cat.PROJECTS))) - set(hidden) - query.projects_out
    if query.projects_in is not None:
        projects &= query.projects_in
    if len(projects) == len(cat.PROJECTS):
        candidates: range | list[int] = range(data.issue_count)
    else:
        candidates = sorted(i for p in projects for i in data.project_issues[p])
    att_start = data.att_start
    want = query.attachments
    tests = [
        (data.issue_created if f == "created" else data.issue_updated, _OPS[op], v)
        for f, op, v in query.dates
    ]
    out = array("L")
    for i in candidates:
        if want is not None:
            if deleted:
                has = any(j not in deleted for j in range(att_start[i], att_start[i + 1]))
            else:
                has = att_start[i + 1] > att_start[i]
            if has != want:
                continue
        if tests and not all(fn(arr[i], v) for arr, fn, v in tests):
            continue
        out.append(i)
    for key, desc in reversed(query.order):
        keyfn = _sort_key(data, key)
        out = array("L", sorted(out, key=keyfn, reverse=desc))
    return out


def _sort_key(data, key: str) -> Callable[[int], object]:
    if key == "created":
        return data.issue_created.__getitem__
    if key == "updated":
        return data.issue_updated.__getitem__
    if key == "key":
        return lambda i: (cat.PROJECTS[data.issue_project[i]].key, data.issue_num[i])
    if key == "project":
        return lambda i: cat.PROJECTS[data.issue_project[i]].key
    return int
