"""The route table: (method, path template) -> endpoint, matched on compiled patterns.

A template's ``{name}`` matches one path segment and reaches the endpoint as
``request.params[name]``. Literal templates win over patterns (``/attachment/meta`` is not
the attachment ``meta``). A path that matches with another method is a 405, no match a 404.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from aa_tui.demo.http import Request
from aa_tui.demo.replies import Reply

Endpoint = Callable[[Request], "Reply | None"]  # None: the endpoint streamed its own answer
ANY = "*"  # a method that matches every method
_PARAM = re.compile(r"\{(\w+)\}")


@dataclass
class Route:
    template: str
    pattern: re.Pattern[str]
    methods: dict[str, Endpoint] = field(default_factory=dict)
    public: bool = False  # answered without credentials too

    def endpoint(self, method: str) -> Endpoint | None:
        return self.methods.get(method) or self.methods.get(ANY)


@dataclass(frozen=True)
class Match:
    route: Route
    endpoint: Endpoint | None  # None: the path exists but not for this method (405)
    params: dict[str, str]

    @property
    def name(self) -> str:
        return self.route.template


def _compile(template: str) -> re.Pattern[str]:
    parts = _PARAM.split(template)  # literal, name, literal, name, ...
    regex = "".join(
        re.escape(part) if k % 2 == 0 else f"(?P<{part}>[^/]+)" for k, part in enumerate(parts)
    )
    return re.compile(regex)


class Router:
    def __init__(self) -> None:
        self._literal: dict[str, Route] = {}
        self._patterns: list[Route] = []

    def add(self, method: str, template: str, endpoint: Endpoint, public: bool = False) -> None:
        route = self._literal.get(template) or next(
            (r for r in self._patterns if r.template == template), None
        )
        if route is None:
            route = Route(template, _compile(template))
            if "{" in template:
                self._patterns.append(route)
            else:
                self._literal[template] = route
        route.public = route.public or public
        if method in route.methods:
            raise ValueError(f"route defined twice: {method} {template}")
        route.methods[method] = endpoint

    def match(self, method: str, path: str) -> Match | None:
        route = self._literal.get(path)
        if route is not None:
            return Match(route, route.endpoint(method), {})
        for route in self._patterns:
            m = route.pattern.fullmatch(path)
            if m:
                return Match(route, route.endpoint(method), m.groupdict())
        return None

    def templates(self) -> list[tuple[str, str]]:
        """Every ``(method, template)`` pair, for tests and docs."""
        routes = [*self._literal.values(), *self._patterns]
        return [(m, r.template) for r in routes for m in r.methods]
