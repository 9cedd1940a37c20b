"""The policies beyond duplicates, planned from a real scan of the demo site: each selects
exactly what its insight list shows, narrowed by the filters, never a file inside the
protection window, each file an only copy unless a byte-equal copy stays on Jira."""

from __future__ import annotations

import dataclasses

import orjson
import pytest
from helpers.sites import CleanupSite

from aa_tui.analysis.facts import Facts
from aa_tui.model.classify import file_type
from aa_tui.model.cleanup import (
    DUPLICATES,
    PROTECT_DAYS,
    OnlyCopy,
    Plan,
    PlanFilters,
    ProofKind,
    RedundantCopy,
)
from aa_tui.model.file_table import I_KEY
from aa_tui.model.insights import InsightSettings
from aa_tui.model.units import counted
from aa_tui.service.cleanup.offload import settings_for
from aa_tui.service.cleanup.plan import check_plan
from aa_tui.service.cleanup.registry import POLICY_NAMES, policy_named
from aa_tui.service.errors import InputError, describe
from aa_tui.service.insights import file_list_of, scan_now
from aa_tui.store.plans import PlanStore

#: the policy -> its insight list (the Insights screen's name for it)
LISTS = {
    "stale": "stale",
    "hygiene": "hygiene",
    "idle": "idle_projects",
    "inactive": "inactive_uploaders",
    "largest": "largest",
}
DAY = 86400


@pytest.fixture(scope="module")
def site(small_site, tmp_path_factory):
    with CleanupSite(small_site, tmp_path_factory.mktemp("offload")) as s:
        yield s


def idle_days(site: CleanupSite) -> int:
    """A threshold that leaves some of the demo's projects idle and some not."""
    results = site.store.results(site.scan_id)
    table = results.file_table()
    facts = Facts(table, scan_now(results.summary()), InsightSettings())
    newest: dict[str, float] = {}
    for issue, t in zip(table.issues, facts.times, strict=True):
        newest[issue[1]] = max(newest.get(issue[1], 0.0), t or 0.0)
    ages = sorted(int(scan_now(results.summary()).timestamp() - t) // DAY for t in newest.values())
    return ages[len(ages) // 2]


def filters_for(site: CleanupSite, policy: str, **more) -> PlanFilters:
    base: dict = {"limit": 100_000} if policy == "largest" else {}
    if policy == "idle":
        base["idle_days"] = idle_days(site)
    return PlanFilters(**{**base, **more})


def listed(site: CleanupSite, policy: str, filters: PlanFilters):
    results = site.store.results(site.scan_id)
    settings = settings_for(policy, results, filters)
    return file_list_of(results, LISTS[policy], "", settings).files


def updates(site: CleanupSite) -> dict[str, float]:
    results = site.store.results(site.scan_id)
    table = results.file_table()
    facts = Facts(table, scan_now(results.summary()), InsightSettings())
    return {issue[I_KEY]: t for issue, t in zip(table.issues, facts.times, strict=True)}


def test_the_registry_names_every_policy_and_duplicates_stays_the_default():
    assert POLICY_NAMES == (DUPLICATES, "stale", "hygiene", "idle", "inactive", "largest")
    assert all(policy_named(n).name == n for n in POLICY_NAMES)
    with pytest.raises(InputError) as unknown:
        policy_named("everything")
    assert "stale" in str(unknown.value) and "\n" not in str(unknown.value)


@pytest.mark.parametrize("policy", list(LISTS))
def test_each_policy_selects_exactly_what_its_insight_list_shows(site, policy):
    filters = filters_for(site, policy, protect_days=0)
    plan = site.cleanup.plan(site.scan_id, filters, policy=policy)
    every = listed(site, policy, filters)
    files = [f for f in every if f.size]  # an empty file frees nothing: never selected
    assert files, f"the demo site has no {policy} files"
    assert plan.policy == policy
    assert [d.attachment_id for d in plan.deletions] == [f.attachment_id for f in files]
    assert [d.size for d in plan.deletions] == [f.size for f in files]
    empty = len(every) - len(files)
    said = [n for n in plan.notes if "empty" in n]
    assert said == ([f"{empty:,} empty files (0 bytes) left out: deleting an empty file "
                     "frees nothing."] if empty else [])  # fmt: skip


def test_the_notes_count_only_the_empty_files_the_filters_would_have_chosen(site):
    """`--projects OPS --types pdf` said "1 empty file left out": DATA-90's placeholder.txt."""
    policy = next(p for p in LISTS if any(not f.size for f in listed(site, p, PlanFilters())))
    every = listed(site, policy, filters_for(site, policy, protect_days=0))
    empty_in = {f.project_key for f in every if not f.size}
    other = next(f.project_key for f in every if f.size and f.project_key not in empty_in)
    elsewhere = filters_for(site, policy, protect_days=0, projects=(other,))
    plan = site.cleanup.plan(site.scan_id, elsewhere, policy=policy)
    assert plan.deletions and not [n for n in plan.notes if "empty" in n]
    project = sorted(empty_in)[0]
    there = filters_for(site, policy, protect_days=0, projects=(project,))
    plan = site.cleanup.plan(site.scan_id, there, policy=policy)
    empty = sum(1 for f in every if not f.size and f.project_key == project)
    assert [n for n in plan.notes if "empty" in n] == [
        f"{counted(empty, 'empty file')} (0 bytes) left out: deleting an empty file frees nothing."
    ]


@pytest.mark.parametrize("policy", list(LISTS))
def test_nothing_inside_the_protection_window_is_selected_and_the_notes_say_what_was_held(
    site, policy
):
    filters = filters_for(site, policy)
    assert filters.protect == PROTECT_DAYS == 30
    plan = site.cleanup.plan(site.scan_id, filters, policy=policy)
    now_s = scan_now(site.store.results(site.scan_id).summary()).timestamp()
    when = updates(site)
    files = [f for f in listed(site, policy, filters) if f.size]
    inside = [f for f in files if when[f.issue_key] >= now_s - 30 * DAY]
    assert all(when[d.issue_key] < now_s - 30 * DAY for d in plan.deletions)
    assert {d.attachment_id for d in plan.deletions}.isdisjoint(f.attachment_id for f in inside)
    assert plan.files == len(files) - len(inside)
    held = [n for n in plan.notes if "held back" in n]
    if inside:
        assert held and held[0].startswith(f"{len(inside):,} file")
    else:
        assert not held
    # A wider window holds back more; 0 turns it off.
    wide = site.cleanup.plan(
        site.scan_id, filters_for(site, policy, protect_days=400), policy=policy
    )
    assert wide.files <= plan.files
    assert all(when[d.issue_key] < now_s - 400 * DAY for d in wide.deletions)


def test_the_demo_site_holds_files_inside_the_window_for_the_policies_to_hold_back(site):
    held = {p: site.cleanup.plan(site.scan_id, filters_for(site, p), policy=p).notes for p in LISTS}
    assert any("held back" in n for p in ("hygiene", "inactive", "largest") for n in held[p])


@pytest.mark.parametrize("policy", list(LISTS))
def test_only_copies_unless_a_byte_equal_copy_stays(site, policy):
    plan = site.cleanup.plan(site.scan_id, filters_for(site, policy), policy=policy)
    groups = {str(g["hash"]): g for g in site.store.results(site.scan_id).groups()}
    planned = {d.attachment_id for d in plan.deletions}
    for d in plan.deletions:
        if isinstance(d.proof, RedundantCopy):
            assert d.keep_id not in planned  # the kept copy stays
            members = {str(loc["attachment_id"]) for loc in groups[d.group_hash]["locations"]}
            assert {d.attachment_id, d.keep_id} <= members
        else:
            assert isinstance(d.proof, OnlyCopy) and d.proof.why
            group = next(
                (g for g in groups.values() if d.attachment_id in _ids(g)), None
            )  # a copy whose every other copy goes too is an only copy, archived first
            assert group is None or _ids(group) <= planned
    check_plan(plan, list(groups.values()), set(), proofs=policy_named(policy).proofs)


def _ids(group: dict) -> set[str]:
    return {str(loc["attachment_id"]) for loc in group["locations"]}


def test_a_copy_whose_group_is_all_selected_is_archived_as_an_only_copy(site):
    """Marking every copy of a group: none stays, so each is an only copy (archived first)."""
    group = next(g for g in site.store.results(site.scan_id).groups() if len(g["locations"]) == 2)
    both = tuple(_ids(group))
    plan = site.cleanup.plan(
        site.scan_id,
        PlanFilters(limit=100_000, attachment_ids=both, protect_days=0),
        policy="largest",
    )
    assert {d.attachment_id for d in plan.deletions} == set(both)
    assert all(d.proof.kind is ProofKind.ONLY_COPY for d in plan.deletions)
    assert all(d.sha256 == str(group["hash"]).removeprefix("sha256:") for d in plan.deletions)
    one = site.cleanup.plan(
        site.scan_id,
        PlanFilters(limit=100_000, attachment_ids=both[:1], protect_days=0),
        policy="largest",
    )
    (d,) = one.deletions
    assert d.proof.kind is ProofKind.REDUNDANT_COPY and d.keep_id == both[1]


def test_filters_narrow_every_policy(site):
    base = filters_for(site, "largest", protect_days=0)
    every = site.cleanup.plan(site.scan_id, base, policy="largest").deletions
    when = updates(site)
    now_s = scan_now(site.store.results(site.scan_id).summary()).timestamp()

    def plan(**more):
        f = dataclasses.replace(base, **more)
        return site.cleanup.plan(site.scan_id, f, policy="largest").deletions

    assert {d.project_key for d in plan(projects=("OPS",))} == {"OPS"}
    assert len(plan(projects=("OPS",))) == sum(d.project_key == "OPS" for d in every)
    pdfs = plan(file_types=("pdf", ".PNG"))
    assert pdfs and {file_type(d.file_name) for d in pdfs} <= {"pdf", "png"}
    assert len(pdfs) == sum(file_type(d.file_name) in ("pdf", "png") for d in every)
    big = plan(min_size=1_000_000)
    assert big and all(d.size >= 1_000_000 for d in big)
    assert len(big) == sum(d.size >= 1_000_000 for d in every)
    old = plan(older_than=400)
    assert old and all(when[d.issue_key] < now_s - 400 * DAY for d in old)
    assert len(old) == sum(when[d.issue_key] < now_s - 400 * DAY for d in every)
    assert [d.attachment_id for d in plan(limit=5)] == [d.attachment_id for d in every[:5]]
    capped = plan(limit=None, max_bytes=5_000_000)
    assert capped and sum(d.size for d in capped) <= 5_000_000
    assert sum(d.size for d in capped) + min(d.size for d in every if d not in capped) > 5_000_000
    assert plan(limit=0) == []


def test_older_than_replaces_stale_days_for_the_stale_policy(site):
    default = site.cleanup.plan(site.scan_id, PlanFilters(), policy="stale")
    longer = site.cleanup.plan(site.scan_id, PlanFilters(older_than=700), policy="stale")
    shorter = site.cleanup.plan(site.scan_id, PlanFilters(older_than=200), policy="stale")
    assert 0 < longer.files < default.files < shorter.files
    assert {d.attachment_id for d in longer.deletions} == {
        f.attachment_id for f in listed(site, "stale", PlanFilters(stale_days=700))
    }


def test_largest_is_refused_without_a_limit_in_one_sentence(site):
    with pytest.raises(InputError) as refused:
        site.cleanup.plan(site.scan_id, PlanFilters(), policy="largest")
    message = describe(refused.value).message
    assert "--limit" in message and message.count(". ") == 0


def test_the_duplicates_plan_keeps_its_file_format_and_new_filters_round_trip(site):
    store = PlanStore(site.store)
    dup = site.cleanup.save(site.cleanup.plan(site.scan_id))
    body = orjson.loads((store.plan_dir(dup.id) / "plan.json").read_bytes())
    assert set(body["filters"]) == {
        "keep", "projects", "min_size", "limit", "file_types", "groups", "attachment_ids"
    }  # fmt: skip
    f = PlanFilters(
        older_than=90, max_bytes=10, jql="project = OPS", issue_ids=("10001",), protect_days=0,
        stale_days=100, idle_days=50,
    )  # fmt: skip
    assert PlanFilters.from_dict(orjson.loads(orjson.dumps(f.to_dict()))) == f
    assert PlanFilters.from_dict({"keep": "newest", "limit": 3, "future": 1}) == PlanFilters(
        keep="newest", limit=3
    )
    stale = site.cleanup.save(site.cleanup.plan(site.scan_id, f, policy="stale"))
    assert store.load(stale.id) == stale and isinstance(stale, Plan)


def test_duplicates_honours_the_age_and_byte_filters(site):
    every = site.cleanup.plan(site.scan_id).deletions
    when = updates(site)
    now_s = scan_now(site.store.results(site.scan_id).summary()).timestamp()
    old = site.cleanup.plan(site.scan_id, PlanFilters(older_than=400)).deletions
    assert old and len(old) == sum(when[d.issue_key] < now_s - 400 * DAY for d in every)
    capped = site.cleanup.plan(site.scan_id, PlanFilters(max_bytes=2_000_000)).deletions
    assert capped and sum(d.size for d in capped) <= 2_000_000 < sum(d.size for d in every)


def test_jql_is_resolved_against_jira_when_the_plan_is_made(site):
    filters = site.cleanup.with_jql(
        site.scan_id, filters_for(site, "largest", jql="project = WEB", protect_days=0), site.token
    )
    assert filters.issue_ids and filters.jql == "project = WEB"
    plan = site.cleanup.plan(site.scan_id, filters, policy="largest")
    assert plan.files and {d.project_key for d in plan.deletions} == {"WEB"}
    with pytest.raises(InputError) as refused:
        site.cleanup.with_jql(site.scan_id, PlanFilters(jql="project ==== x"), site.token)
    message = describe(refused.value).message
    assert message.startswith("--jql: Jira refused") and "\n" not in message


def test_the_protection_window_is_a_setting_of_the_app(tmp_path):
    from aa_tui.tui.settings import load_settings

    path = tmp_path / "config.toml"
    assert load_settings(path).protect_days == PROTECT_DAYS
    path.write_text("[thresholds]\nprotect_days = 0\n")
    assert load_settings(path).protect_days == 0 and not load_settings(path).problems
    path.write_text("[thresholds]\nprotect_days = -4\n")
    settings = load_settings(path)
    assert settings.protect_days == PROTECT_DAYS
    assert settings.problems == [f"{path}: protect_days must be a whole number, 0 or more."]


def test_the_demo_site_can_hold_an_idle_project_and_idle_offloads_it(tmp_path):
    from array import array

    from aa_tui.demo.catalog import REFERENCE_EPOCH
    from aa_tui.demo.generator import GenerationOptions, generate_site
    from aa_tui.demo.insights_truth import insight_truth

    plain = generate_site(seed=11, issues=400)
    aged = generate_site(seed=11, issues=400, options=GenerationOptions(idle_projects=("LEGAL",)))
    # Only LEGAL's dates moved: every other issue, and every random draw, is as it was.
    legal = {i for i in range(aged.issue_count) if aged.issue_key(i).startswith("LEGAL-")}
    assert legal
    for name in ("issue_created", "issue_updated"):
        before, after = getattr(plain, name), getattr(aged, name)
        assert isinstance(after, array)
        assert all(before[i] == after[i] for i in range(len(after)) if i not in legal)
    assert plain.attachment_count == aged.attachment_count
    truth = insight_truth(aged)
    assert set(truth.idle_projects(REFERENCE_EPOCH, 180)) == {"LEGAL"}
    assert not truth.idle_projects(REFERENCE_EPOCH, 180) or not insight_truth(plain).idle_projects(
        REFERENCE_EPOCH, 180
    )
    site = CleanupSite(aged, tmp_path)
    try:
        plan = site.cleanup.plan(site.scan_id, PlanFilters(), policy="idle")
        files = truth.idle_projects(REFERENCE_EPOCH, 180)["LEGAL"][0]
        records = site.store.results(site.scan_id).attachments()
        # an empty file frees nothing: never selected
        empty = sum(1 for r in records if r["project_key"] == "LEGAL" and not r["size"])
        assert plan.files == files - empty > 0
        assert {d.project_key for d in plan.deletions} == {"LEGAL"}
    finally:
        site.close()


def test_demo_site_idle_projects_flag():
    import argparse

    from aa_tui.demo.cli_options import (
        DemoSiteUsageError,
        add_demo_site_arguments,
        options_from_args,
    )

    def parse(*argv: str) -> argparse.Namespace:
        parser = argparse.ArgumentParser(prog="demo-site")
        add_demo_site_arguments(parser)
        return parser.parse_args(["--issues", "60", "--seed", "11", *argv])

    data, _, _ = options_from_args(parse("--idle-projects", "legal"))
    plain, _, _ = options_from_args(parse("--idle-projects", ""))
    default, _, _ = options_from_args(parse())  # LEGAL is idle unless told otherwise
    assert list(default.issue_updated) == list(data.issue_updated)
    legal = [i for i in range(data.issue_count) if data.issue_key(i).startswith("LEGAL-")]
    assert legal and all(data.issue_updated[i] < plain.issue_updated[i] for i in legal)
    with pytest.raises(DemoSiteUsageError, match="NOPE is not a demo project"):
        options_from_args(parse("--idle-projects", "NOPE"))


def test_demo_and_demo_site_word_an_unknown_idle_project_alike():
    """``aa-tui demo`` and ``aa-tui demo-site`` say the same sentence for keys they lack."""
    import argparse

    from aa_tui.demo.cli_options import (
        DemoSiteUsageError,
        add_demo_site_arguments,
        options_from_args,
    )
    from aa_tui.service.demo import idle_projects
    from aa_tui.service.errors import InputError

    parser = argparse.ArgumentParser(prog="demo-site")
    add_demo_site_arguments(parser)
    args = parser.parse_args(["--issues", "60", "--idle-projects", "nope,LEGAL,zz"])
    with pytest.raises(DemoSiteUsageError) as site:
        options_from_args(args)
    with pytest.raises(InputError) as demo:
        idle_projects("nope,LEGAL,zz")
    assert str(site.value) == str(demo.value)
    assert str(demo.value).startswith("--idle-projects: NOPE, ZZ are not demo projects (DATA,")
