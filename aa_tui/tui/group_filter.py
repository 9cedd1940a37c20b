"""The filter line of the duplicate groups and of every file list, parsed: words, facets,
alternatives, exclusions and sizes.

``pdf project:HR,OPS -uploader:bot status:"In Review" age:"> 2 years" size:>10MB``: free words
must all be in a group's name, hash or issue keys (a file's name, issue key or uploader); a
facet keeps the groups with a copy matching one of its comma-separated values; ``-facet:value``
drops the groups with a copy matching it; ``size:`` compares a file's size (a group's: one
copy's) in the units a cap is written in (``size:>10MB``, ``size:<=1MiB``; several ``size:``
words all hold). What cannot be understood is said (:attr:`GroupFilter.problems`), never
silently ignored.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from datetime import datetime, timezone
from typing import Any

from aa_tui.model.classify import AGE_BRACKETS, UNKNOWN_AGE, age_bracket, file_type
from aa_tui.model.insights import FileRow, parse_size

#: filter words (``project:ABC``) and the :class:`GroupFilter` field each sets
FILTER_WORDS = {
    "project": "project",
    "type": "file_type",
    "uploader": "uploader",
    "age": "age",
    "status": "status_category",
}
FACET_NAMES = tuple(FILTER_WORDS.values())
AGES = tuple(label for label, _ in AGE_BRACKETS) + (UNKNOWN_AGE,)
EXAMPLES = {
    "project": "project:OPS or project:HR,OPS",
    "type": "type:pdf",
    "uploader": 'uploader:ana or uploader:"Ana Lima"',
    "age": 'age:"> 2 years"',
    "status": "status:Done",
    "size": "size:>10MB or size:<=1MiB",
}
SIZE_WORD = "size"
#: every word a filter understands, with the colon (for hints and problems)
KNOWN_WORDS = ", ".join(f"{w}:" for w in (*FILTER_WORDS, SIZE_WORD))
#: the filter words in one line (the groups' and the files' filter hints, and ``?``)
FILTER_HELP = (
    "Filter words: any text  project:KEY,KEY  type:pdf  uploader:ana  status:Done"
    '  age:"> 2 years"  size:>10MB (also <, >=, <=, =; 250GB, 2GiB)  -word:value excludes'
)
_SIZE_TEST = re.compile(r"^(>=|<=|!=|>|<|=)(.+)$")
_NEGATED = {">": "<=", ">=": "<", "<": ">=", "<=": ">", "=": "!=", "!=": "="}
_COMPARE = {
    ">": int.__gt__, ">=": int.__ge__, "<": int.__lt__, "<=": int.__le__,
    "=": int.__eq__, "!=": int.__ne__,
}  # fmt: skip


def size_test(value: str) -> tuple[str, int] | str:
    """``>10MB`` -> ``(">", 10_000_000)``; a sentence saying what is expected otherwise."""
    found = _SIZE_TEST.match(value.replace(" ", ""))
    if found is None:
        return f"size:{value} needs a comparison: size:>10MB, size:<1MiB or size:>=2GB."
    try:
        return found[1], parse_size(found[2])
    except ValueError as error:
        return f"size:{value}: {error}"


def split_values(value: str) -> list[str]:
    """``HR,OPS`` -> ``["HR", "OPS"]`` (empty parts dropped)."""
    return [v.strip() for v in value.split(",") if v.strip()]


@dataclass(frozen=True, slots=True)
class GroupFilter:
    """What a view keeps: free text (in the name, issue keys or hash) and facets.

    A facet's value may list alternatives (``HR,OPS``); a facet matches a group when any of its
    locations matches (a group "contains" it). ``exclude`` holds ``(facet, value)`` pairs whose
    groups are dropped.
    """

    text: str = ""
    project: str = ""
    file_type: str = ""
    uploader: str = ""
    age: str = ""
    status_category: str = ""
    exclude: tuple[tuple[str, str], ...] = ()
    #: size comparisons as typed (``>10MB``), every one holding
    size: tuple[str, ...] = ()
    #: what the typed filter got wrong, one sentence each (not part of equality)
    problems: tuple[str, ...] = field(default=(), compare=False)

    @property
    def active(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self) if f.name != "problems")

    @classmethod
    def parse(cls, query: str) -> GroupFilter:
        """``pdf project:ABC uploader:"Ana Lima"``: words with a known prefix set a facet."""
        problems: list[str] = []
        try:
            words = shlex.split(query)
        except ValueError:  # an unclosed quote: take the words as typed, and say so
            words = query.split()
            problems.append('A quote is not closed: put a " at the end of the value.')
        found: dict[str, list[str]] = {}
        exclude: list[tuple[str, str]] = []
        sizes: list[str] = []
        text: list[str] = []
        for word in words:
            negated = word.startswith("-") and ":" in word
            prefix, colon, value = word.removeprefix("-" if negated else "").partition(":")
            target = FILTER_WORDS.get(prefix.lower()) if colon else None
            if not colon or value.startswith("//") or not prefix.isalpha():
                text.append(word)  # plain text (a URL's "http:" too)
            elif prefix.lower() == SIZE_WORD:
                test = (
                    size_test(value) if value else f"size: needs a value, e.g. {EXAMPLES['size']}."
                )
                if isinstance(test, str):
                    problems.append(test)
                else:
                    op, typed = test[0], value.replace(" ", "")[len(test[0]) :]
                    sizes.append((_NEGATED[op] if negated else op) + typed)
            elif target is None:
                problems.append(f"{prefix}: is not a filter word: use {KNOWN_WORDS} (or no colon).")
            elif not value:
                problems.append(f"{prefix}: needs a value, e.g. {EXAMPLES[prefix.lower()]}.")
            elif target == "age" and (bad := [v for v in split_values(value) if _age(v) is None]):
                problems.append(
                    f"age:{bad[0]} is not an age bracket: use one of "
                    + ", ".join(f'"{a}"' for a in AGES)
                    + '; quote it, e.g. age:"> 2 years".'
                )
            elif negated:
                exclude.extend((target, v) for v in split_values(value))
            else:
                found.setdefault(target, []).extend(split_values(value))
        facets = {name: ",".join(values) for name, values in found.items()}
        if "age" in facets:
            facets["age"] = ",".join(_age(v) or v for v in split_values(facets["age"]))
        return cls(
            text=" ".join(text),
            exclude=tuple(exclude),
            size=tuple(sizes),
            problems=tuple(problems),
            **facets,
        )

    def to_query(self) -> str:
        """The text form :meth:`parse` reads back."""
        parts = [self.text] if self.text else []
        for word, name in FILTER_WORDS.items():
            value = getattr(self, name)
            if value:
                parts.append(f"{word}:{shlex.quote(value)}")
        words = {name: word for word, name in FILTER_WORDS.items()}
        for name, value in self.exclude:
            parts.append(f"-{words[name]}:{shlex.quote(value)}")
        parts.extend(f"{SIZE_WORD}:{shlex.quote(test)}" for test in self.size)
        return " ".join(parts)

    def with_facet(self, name: str, value: str) -> GroupFilter:
        """This filter with facet ``name`` set to ``value``."""
        facets: dict[str, Any] = {name: value}
        return replace(self, **facets)

    def wanted(self, name: str) -> list[str]:
        """A facet's alternatives (none: the facet is not filtered)."""
        return split_values(getattr(self, name))

    def size_check(self) -> Callable[[int], bool]:
        """Whether a size passes every ``size:`` comparison (the typed ones read once)."""
        tests = [t for t in map(size_test, self.size) if isinstance(t, tuple)]
        return lambda size: all(_COMPARE[op](size, limit) for op, limit in tests)

    def file_check(self, now: datetime | None = None) -> Callable[[FileRow], bool]:
        """Whether a file list keeps a file: every word in its name, issue key or uploader;
        each facet as for a group (an age only when ``now`` is known); every size test."""
        fits = self.size_check()
        words = self.text.casefold().split()
        facets = [(name, self.wanted(name)) for name in FACET_NAMES if self.wanted(name)]
        exclude = self.exclude

        def keeps(row: FileRow) -> bool:
            if not fits(row.size):
                return False
            hay = f"{row.file_name} {row.issue_key} {row.author}".casefold()
            if any(word not in hay for word in words):
                return False
            values = _file_facets(row, now)
            if not all(any(_facet_hit(n, w, values[n]) for w in wanted) for n, wanted in facets):
                return False
            return not any(_facet_hit(n, v, values[n]) for n, v in exclude)

        return keeps


def _file_facets(row: FileRow, now: datetime | None) -> dict[str, tuple[str, ...]]:
    """The values a file has for each facet (a status: its category and its name)."""
    if now is not None and now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    return {
        "project": (row.project_key,),
        "file_type": (file_type(row.file_name),),
        "uploader": (row.author,),
        "age": (age_bracket(row.created, now),) if now is not None else (),
        "status_category": (row.status_category, row.status),
    }


def _facet_hit(name: str, wanted: str, values: tuple[str, ...]) -> bool:
    """A facet value matches, case aside (an uploader: a part of the name)."""
    folded = wanted.casefold()
    if name == "uploader":
        return any(folded in v.casefold() for v in values)
    return any(folded == v.casefold() for v in values)


def _age(value: str) -> str | None:
    """The age bracket ``value`` names (case and spaces aside), or None."""
    squeezed = value.replace(" ", "").casefold()
    for label in AGES:
        if label.replace(" ", "").casefold() == squeezed:
            return label
    return None
