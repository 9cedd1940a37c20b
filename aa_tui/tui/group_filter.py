"""The duplicate groups' filter line, parsed: words, facets, alternatives and exclusions.

``pdf project:HR,OPS -uploader:bot status:"In Review" age:"> 2 years"``: free words must all be
in a group's name, hash or issue keys; a facet keeps the groups with a copy matching one of its
comma-separated values; ``-facet:value`` drops the groups with a copy matching it. What cannot
be understood is said (:attr:`GroupFilter.problems`), never silently ignored.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field, fields, replace
from typing import Any

from aa_tui.model.classify import AGE_BRACKETS, UNKNOWN_AGE

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
}


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
        text: list[str] = []
        for word in words:
            negated = word.startswith("-") and ":" in word
            prefix, colon, value = word.removeprefix("-" if negated else "").partition(":")
            target = FILTER_WORDS.get(prefix.lower()) if colon else None
            if not colon or value.startswith("//") or not prefix.isalpha():
                text.append(word)  # plain text (a URL's "http:" too)
            elif target is None:
                known = ", ".join(f"{w}:" for w in FILTER_WORDS)
                problems.append(f"{prefix}: is not a filter word: use {known} (or no colon).")
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
        return cls(text=" ".join(text), exclude=tuple(exclude), problems=tuple(problems), **facets)

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
        return " ".join(parts)

    def with_facet(self, name: str, value: str) -> GroupFilter:
        """This filter with facet ``name`` set to ``value``."""
        facets: dict[str, Any] = {name: value}
        return replace(self, **facets)

    def wanted(self, name: str) -> list[str]:
        """A facet's alternatives (none: the facet is not filtered)."""
        return split_values(getattr(self, name))


def _age(value: str) -> str | None:
    """The age bracket ``value`` names (case and spaces aside), or None."""
    squeezed = value.replace(" ", "").casefold()
    for label in AGES:
        if label.replace(" ", "").casefold() == squeezed:
            return label
    return None
