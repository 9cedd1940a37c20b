"""One error root: every exception class of aa-tui derives from it, the tree that
``aa_tui.service.errors`` draws is the real one, and ``describe`` reads each class's title and
exit code, worded for the face that shows it."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import pytest

import aa_tui
from aa_tui.model.errors import AaTuiError, Cancelled, Face, InternalError, Option
from aa_tui.service import errors as service_errors
from aa_tui.service.errors import UNEXPECTED, InputError, describe


def _modules() -> list[str]:
    names = [m.name for m in pkgutil.walk_packages(aa_tui.__path__, "aa_tui.")]
    return [n for n in names if not n.startswith("aa_tui.demo") and n != "aa_tui.__main__"]


def _exception_classes() -> dict[str, type[BaseException]]:
    found: dict[str, type[BaseException]] = {}
    for name in _modules():
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, BaseException) and cls.__module__ == name:
                assert cls.__name__ not in found or found[cls.__name__] is cls, (
                    f"two exception classes named {cls.__name__}"
                )
                found[cls.__name__] = cls
    return found


def _drawn_tree() -> dict[str, str | None]:
    """``{class name: parent name}`` as the docstring's tree draws it (the root's parent: None)."""
    doc = service_errors.__doc__ or ""
    block = doc.split("::", 1)[1].split("\n\n")[1]
    parents: dict[str, str | None] = {}
    stack: list[tuple[int, str]] = []
    for line in block.splitlines():
        match = re.match(r"^(\s*(?:[│ ]   |[├└]── )*)(\w+)", line)
        assert match, line
        depth = len(match.group(1)) // 4
        while stack and stack[-1][0] >= depth:
            stack.pop()
        parents[match.group(2)] = stack[-1][1] if stack else None
        stack.append((depth, match.group(2)))
    return parents


def test_every_exception_class_of_aa_tui_derives_from_the_root():
    classes = _exception_classes()
    assert len(classes) > 20
    outside = sorted(n for n, c in classes.items() if not issubclass(c, AaTuiError))
    assert outside == []


def test_the_drawn_tree_is_the_class_tree():
    classes = _exception_classes()
    classes["AaTuiError"] = AaTuiError
    drawn = _drawn_tree()
    assert set(drawn) == set(classes), "classes missing from or extra in the drawn tree"
    for name, parent in drawn.items():
        cls = classes[name]
        real = next((b.__name__ for b in cls.__bases__ if issubclass(b, AaTuiError)), None)
        assert real == parent, f"{name} derives from {real}, the tree says {parent}"


def test_describe_reads_title_and_exit_code_of_every_class():
    for name, cls in _exception_classes().items():
        if not issubclass(cls, AaTuiError):
            continue
        try:
            error = cls("one sentence.")
        except TypeError:
            continue  # a class whose constructor takes more (checked by its own tests)
        problem = describe(error)
        if issubclass(cls, InternalError):
            assert problem.unexpected, name
            assert problem.exit_code == 3
        else:
            assert (problem.title, problem.message, problem.exit_code) == (
                cls.title,
                "one sentence.",
                cls.exit_code,
            ), name


def test_a_message_names_an_option_as_each_face_does():
    error = InputError(Option("--limit", "The file limit"), " must be zero or more.")
    assert str(error) == "--limit must be zero or more."
    assert describe(error).message == "--limit must be zero or more."
    assert describe(error, Face.APP).message == "The file limit must be zero or more."


def test_text_from_outside_is_never_a_format_string():
    error = InputError("No file {0} named ", "{x}[/]", ".")
    assert describe(error, Face.APP).message == "No file {0} named {x}[/]."


@pytest.mark.parametrize("error", [Cancelled(), KeyboardInterrupt()])
def test_a_stop_is_cancelled_with_its_exit_code(error):
    problem = describe(error)
    assert (problem.title, problem.exit_code) == ("Cancelled", 130)
    assert problem.message


def test_anything_else_is_a_bug():
    problem = describe(ZeroDivisionError("division by zero"))
    assert problem.title == UNEXPECTED
    assert problem.exit_code == 3
