"""Sorting and filtering duplicate groups in plain lists (aa_tui.tui.group_index)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from aa_tui.tui.group_index import SORTS, GroupFilter, GroupIndex

NOW = datetime(2026, 11, 1, tzinfo=timezone.utc)


def group(
    n: int,
    name: str,
    size: int,
    copies: int,
    projects=("OPS",),
    author="Ana",
    created="2026-10-20T10:00:00.000+0000",
    category="Done",
):
    locations = [
        {
            "attachment_id": f"{n}-{i}",
            "issue_key": f"{projects[i % len(projects)]}-{n * 10 + i}",
            "project_key": projects[i % len(projects)],
            "file_name": name,
            "author": author,
            "created": created,
            "status": "Closed",
            "status_category": category,
            "is_canonical": i == 0,
        }
        for i in range(copies)
    ]
    return {
        "hash": f"sha256:{n:04x}",
        "size": size,
        "file_name": name,
        "mime_type": "application/octet-stream",
        "copies": copies,
        "wasted_size": (copies - 1) * size,
        "likely": False,
        "locations": locations,
    }


@pytest.fixture
def index() -> GroupIndex:
    return GroupIndex(
        [
            group(1, "report.pdf", 1000, 2, ("OPS", "WEB")),
            group(2, "Logo.PNG", 50, 9, ("WEB",), author="Ben Ode"),
            group(3, "archive.zip", 5000, 3, ("DATA",), created="2023-01-01T00:00:00.000+0000"),
            group(4, "notes", 5000, 2, ("OPS",), category="To Do"),
        ],
        now=NOW,
    )


def names(index: GroupIndex, view: list[int]) -> list[str]:
    return [index.groups[i]["file_name"] for i in view]


def test_sorts_biggest_first_and_by_name(index):
    assert names(index, index.view("wasted")) == ["archive.zip", "notes", "report.pdf", "Logo.PNG"]
    assert names(index, index.view("copies")) == ["Logo.PNG", "archive.zip", "notes", "report.pdf"]
    assert names(index, index.view("size"))[:2] == ["archive.zip", "notes"]
    assert names(index, index.view("name")) == ["archive.zip", "Logo.PNG", "notes", "report.pdf"]
    assert names(index, index.view("name", reverse=True))[0] == "report.pdf"


def test_filters_by_text_facets_and_both(index):
    assert names(index, index.view("wasted", GroupFilter(text="PDF"))) == ["report.pdf"]
    assert names(index, index.view("wasted", GroupFilter(text="web-"))) == [
        "report.pdf",
        "Logo.PNG",
    ]
    assert names(index, index.view("wasted", GroupFilter(project="WEB"))) == [
        "report.pdf",
        "Logo.PNG",
    ]
    assert names(index, index.view("wasted", GroupFilter(file_type="png"))) == ["Logo.PNG"]
    assert names(index, index.view("wasted", GroupFilter(file_type="no-extension"))) == ["notes"]
    assert names(index, index.view("wasted", GroupFilter(uploader="ben ode"))) == ["Logo.PNG"]
    assert names(index, index.view("wasted", GroupFilter(age="> 2 years"))) == ["archive.zip"]
    assert names(index, index.view("wasted", GroupFilter(status_category="To Do"))) == ["notes"]
    both = GroupFilter(text="report", project="DATA")
    assert index.view("wasted", both) == []


def test_filter_text_round_trips():
    flt = GroupFilter.parse('pdf project:OPS uploader:"Ana Lima" age:"> 2 years" status:Done')
    assert flt == GroupFilter(
        text="pdf", project="OPS", uploader="Ana Lima", age="> 2 years", status_category="Done"
    )
    assert GroupFilter.parse(flt.to_query()) == flt
    assert GroupFilter.parse('unclosed "quote').text == 'unclosed "quote'
    assert GroupFilter.parse("http://x").text == "http://x"  # unknown prefix: plain text
    assert not GroupFilter().active and GroupFilter(text="a").active


def test_filter_says_what_it_cannot_understand():
    cases = {
        "foo:bar": "foo: is not a filter word",
        "age:>2y": "age:>2y is not an age bracket",
        "project:": "project: needs a value",
        'name "open': "A quote is not closed",
    }
    for query, said in cases.items():
        problems = GroupFilter.parse(query).problems
        assert len(problems) == 1 and said in problems[0], query
    assert GroupFilter.parse('pdf project:OPS age:"> 2 years"').problems == ()
    assert GroupFilter.parse("age:'>2 YEARS'").age == "> 2 years"  # spaces and case aside


def test_alternatives_exclusions_parts_of_names_and_status_names(index):
    flt = GroupFilter.parse("project:DATA,ops")
    assert flt.wanted("project") == ["DATA", "ops"] and GroupFilter.parse(flt.to_query()) == flt
    assert sorted(names(index, index.view("name", flt))) == ["archive.zip", "notes", "report.pdf"]
    flt = GroupFilter.parse("-project:WEB")
    assert flt.exclude == (("project", "WEB"),) and GroupFilter.parse(flt.to_query()) == flt
    assert names(index, index.view("name", flt)) == ["archive.zip", "notes"]
    assert names(index, index.view("name", GroupFilter.parse("uploader:ode"))) == ["Logo.PNG"]
    # a status name (every location here is "Closed") as well as a category
    assert len(index.view("name", GroupFilter.parse("status:closed"))) == 4
    assert names(index, index.view("name", GroupFilter.parse('status:"to do"'))) == ["notes"]


def test_status_names_come_from_the_loader_for_stored_rows(index):
    rows_only = GroupIndex(rows=index.rows, now=NOW)
    assert rows_only.view("name", GroupFilter.parse("status:closed")) == []
    rows_only = GroupIndex(rows=index.rows, now=NOW)
    rows_only.full_loader = lambda: index.full_groups
    assert len(rows_only.view("name", GroupFilter.parse("status:closed"))) == 4


def test_unknown_sort_is_refused(index):
    with pytest.raises(ValueError):
        index.view("colour")


def test_facet_values_most_common_first(index):
    assert index.values("project")[0] in {"OPS", "WEB"}
    assert set(index.values("file_type")) == {"pdf", "png", "zip", "no-extension"}


def test_100k_groups_sort_and_filter():
    """Every sort keeps all 100,000 groups, filters narrow them (benchmarks/big_list.py times it)."""
    groups = [
        group(n, f"file-{n % 977}.{('pdf', 'png', 'zip')[n % 3]}", 1000 + n % 5000, 2 + n % 4)
        for n in range(100_000)
    ]
    index = GroupIndex(groups, now=NOW)
    for sort in SORTS:
        assert len(index.view(sort)) == 100_000
    assert 0 < len(index.view("wasted", GroupFilter(text="file-12"))) < 100_000
    assert 0 < len(index.view("wasted", GroupFilter(file_type="pdf", project="OPS"))) < 100_000
    pdf = index.view("copies", GroupFilter(file_type="pdf"), reverse=True)
    assert 0 < len(pdf) < 100_000


def keeps(g: dict, flt: GroupFilter) -> bool:
    """A filter's meaning, on one report-format group (slow and plain)."""
    from aa_tui.model.classify import age_bracket, file_type

    locs = g["locations"]
    facets = {
        "project": [loc["project_key"] for loc in locs],
        "file_type": [file_type(g["file_name"])],
        "uploader": [loc["author"] for loc in locs],
        "status_category": [loc["status_category"] for loc in locs],
        "age": [age_bracket(loc["created"], NOW) for loc in locs],
    }
    for name, values in facets.items():
        wanted = getattr(flt, name)
        if name == "uploader":  # part of a name
            if wanted and all(wanted.casefold() not in v.casefold() for v in values):
                return False
        elif wanted and all(v.casefold() != wanted.casefold() for v in values):
            return False
    text = " ".join([g["file_name"], g["hash"], *(loc["issue_key"] for loc in locs)]).casefold()
    return all(word in text for word in flt.text.casefold().split())


def test_index_from_the_stores_group_rows_matches_the_full_groups(tmp_path):
    """The store's group rows (no locations) sort and filter exactly as the groups do."""
    from aa_tui.model.classify import age_bracket
    from aa_tui.store.store import Store

    stamps = [
        "2026-10-31T23:59:59.999+0000",  # hours before NOW
        "2026-10-02T00:00:00.000+0000",  # 30 days to the millisecond: the bracket's edge
        "2026-10-02T00:00:00.001+0000",
        "2026-10-02T01:00:00.000+0100",  # the same moment, another offset
        "2025-11-01T00:00:00.000-0300",
        "2019-05-05T05:05:05.000+0000",
        "",  # unknown
    ]
    groups = [
        group(n, f"f{n % 5}.{('pdf', 'PNG', 'zip')[n % 3]}", 100 * (n % 7), 2 + n % 3,
              ("OPS", "WEB", "Data")[: 1 + n % 3], author=f"A {n % 4}", created=stamps[n % 7],
              category=("Done", "To Do")[n % 2])
        for n in range(60)
    ]  # fmt: skip
    store = Store(tmp_path)
    store.save_results("s1", {}, groups, [])
    table = store.load_group_rows("s1")
    stored = GroupIndex.from_table(table, now=NOW)
    full = GroupIndex(groups, now=NOW)
    assert stored.full_groups is None and full.full_group(3) == groups[3]
    filters = [
        GroupFilter(text="f1"), GroupFilter(text="ops-1 pdf"), GroupFilter(project="data"),
        GroupFilter(file_type="png"), GroupFilter(uploader="a 2"), GroupFilter(status_category="to do"),
        GroupFilter(text="f2", project="WEB", file_type="zip"),
        *(GroupFilter(age=age_bracket(s, NOW)) for s in stamps),
    ]  # fmt: skip
    for flt in filters:  # what the filter means, group by group, location by location
        kept = [n for n, g in enumerate(groups) if keeps(g, flt)]
        assert sorted(stored.view("name", flt)) == kept, flt
    for sort in SORTS:
        for flt in [None, *filters]:
            for reverse in (False, True):
                assert stored.view(sort, flt, reverse=reverse) == full.view(
                    sort, flt, reverse=reverse
                )
    # Ages from the stored milliseconds are the brackets of the dates as Jira wrote them.
    for n in range(len(groups)):
        wanted = age_bracket(stamps[n % 7], NOW)
        assert n in stored.view("wasted", GroupFilter(age=wanted))
    assert stored.groups[5] == {
        "hash": groups[5]["hash"], "size": groups[5]["size"], "file_name": "f0.zip",
        "copies": 4, "wasted_size": groups[5]["wasted_size"], "likely": False,
        "projects": ["Data", "OPS", "WEB"],
    }  # fmt: skip


def test_one_rule_for_age_brackets():
    """The list's ages from stored milliseconds and the scan's from dates: one function."""
    from datetime import timedelta

    from aa_tui.model import classify
    from aa_tui.scan import stats
    from aa_tui.tui import group_index

    assert stats.age_bracket is classify.age_bracket
    assert group_index.age_of_days is classify.age_of_days
    for days in (-1, 0, 29, 30, 89, 90, 179, 180, 364, 365, 729, 730, 5000):
        created = (NOW - timedelta(days=days, hours=1)).isoformat()
        assert classify.age_bracket(created, NOW) == classify.age_of_days(days), days


def test_gc_paused_nests_and_restores():
    import gc

    from aa_tui.memory import gc_paused

    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # only the outermost pause switches it back on
    assert gc.isenabled()
    try:
        with gc_paused():
            raise ValueError
    except ValueError:
        pass
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()  # a caller's own pause is left alone
    finally:
        gc.enable()


def test_the_cyclic_gc_is_handled_in_one_place():
    """Store and TUI pause and freeze collections through ``aa_tui.memory`` only, where
    a freeze has its unfreeze (a screen frozen for good would never be freed)."""
    import re
    from pathlib import Path

    import aa_tui

    package = Path(aa_tui.__file__).parent
    direct = re.compile(r"\bgc\.(disable|enable|freeze)\(")
    users = sorted(
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if direct.search(path.read_text(encoding="utf-8"))
    )
    assert users == ["memory.py"]
    assert "gc.unfreeze()" in (package / "memory.py").read_text(encoding="utf-8")


def test_size_filter_words_compare_in_the_units_of_a_cap(index):
    """``size:>10MB`` (decimal, as a cap is written), ``size:<=1KiB``; several hold together;
    ``-size:`` negates; what is not a size comparison is said."""
    view = index.view
    assert names(index, view("name", GroupFilter.parse("size:>1000"))) == ["archive.zip", "notes"]
    assert names(index, view("name", GroupFilter.parse("size:>=1KB"))) == [
        "archive.zip",
        "notes",
        "report.pdf",
    ]
    assert names(index, view("name", GroupFilter.parse("size:<1KiB"))) == ["Logo.PNG", "report.pdf"]
    both = GroupFilter.parse("size:>50 size:<=1kb")
    assert names(index, view("name", both)) == ["report.pdf"]
    assert names(index, view("name", GroupFilter.parse("-size:>50"))) == ["Logo.PNG"]
    assert names(index, view("name", GroupFilter.parse("size:=5000 project:OPS"))) == ["notes"]
    flt = GroupFilter.parse("pdf size:>10MB -size:<1MiB")
    assert flt.size == (">10MB", ">=1MiB") and flt.text == "pdf" and not flt.problems
    assert GroupFilter.parse(flt.to_query()) == flt
    cases = {
        "size:10MB": "size:10MB needs a comparison",
        "size:>ten": "size:>ten: 'ten' is not a size",
        "size:": "size: needs a value",
        "sizes:>1": "sizes: is not a filter word: use project:, type:, uploader:, age:, status:, size:",
    }
    for query, said in cases.items():
        problems = GroupFilter.parse(query).problems
        assert len(problems) == 1 and said in problems[0], (query, problems)


def test_a_file_list_filter_reads_the_same_words():
    from aa_tui.model.insights import FileRow

    def file(name, size, project="OPS", author="Ana", status="Closed", category="Done"):
        return FileRow("1", f"{project}-1", project, name, size, "", author, "a", True,
                       "2023-01-01T00:00:00.000+0000", status, category, "", "", False)  # fmt: skip

    rows = [file("big.zip", 20_000_000), file("small.pdf", 900, "WEB", "Ben"), file("x.log", 0)]

    def kept(query, now=NOW):
        keeps = GroupFilter.parse(query).file_check(now)
        return [r.file_name for r in rows if keeps(r)]

    assert kept("size:>10MB") == ["big.zip"]
    assert kept("size:<1KiB") == ["small.pdf", "x.log"]
    assert kept("size:<1KiB -type:log") == ["small.pdf"]
    assert kept("project:WEB") == kept("uploader:be") == ["small.pdf"]
    assert kept("ops-1 small") == []
    assert kept("web-1 small") == ["small.pdf"]
    assert kept('age:"> 2 years" status:closed size:>0') == ["big.zip", "small.pdf"]
    assert kept("age:'> 2 years'", now=None) == []  # no scan date: no file has a known age
