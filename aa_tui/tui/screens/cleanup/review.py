"""Reviewing a cleanup before anything changes: totals, per project, per group with the kept
copy beside each file; then a typed confirmation (:class:`CleanConfirmScreen`), and the run.

A past scan (opened from History) is read-only for cleanup until its plan is re-checked
against Jira (``R``): every planned copy and kept copy is asked for again, and what is gone
or changed leaves the plan.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Checkbox, Footer, Static

from aa_tui.model.accounts import is_data_center
from aa_tui.model.cleanup import Plan, PlanFilters
from aa_tui.model.dates import stamp
from aa_tui.model.errors import AaTuiError
from aa_tui.model.scans import Profile
from aa_tui.model.units import counted, size_text
from aa_tui.service.errors import Face, describe
from aa_tui.tui import format as fmt
from aa_tui.tui.messages import PlanRechecked, PlanReviewed
from aa_tui.tui.safe import plain, visible
from aa_tui.tui.screens.base import AppModal, AppScreen
from aa_tui.tui.screens.cleanup.review_text import keep_rule, where_text
from aa_tui.tui.widgets.header import AppHeader
from aa_tui.tui.widgets.inputs import TextInput
from aa_tui.tui.widgets.tables import VimDataTable

if TYPE_CHECKING:
    from aa_tui.service.cleanup import ApplyOptions, PlanReview


def token_for(screen: AppScreen, site: str, email: str) -> str | None:
    """The site's token, or None after saying where to add it."""
    token = screen.workspace.token_for(Profile(site, email))
    if not token:
        from aa_tui.service.demo import gone_demo_note

        note = gone_demo_note(site) or "No API token saved for this site: add it on Sites (F2)."
        screen.notify(note, severity="error", timeout=12)
    return token or None


class ProjectTotals(VimDataTable):
    """The per-project table; says when its height changes (its caption counts the rows it
    shows, known only once the table has its height)."""

    class Resized(Message):
        pass

    def on_resize(self) -> None:
        self.post_message(self.Resized())


class CleanReviewScreen(AppScreen):
    """What a cleanup of the marked copies would remove; nothing changes until confirmed."""

    HELP_GROUP = "Cleanup review"
    BINDINGS = [
        Binding("a", "apply", "Apply…", id="clean_review.apply"),
        Binding("R", "recheck", "Re-check against Jira", id="clean_review.recheck"),
        Binding("escape,backspace", "app.pop_screen", "Back", id="clean_review.back"),
    ]
    DEFAULT_CSS = """
    CleanReviewScreen #review-title { padding: 0 1; text-style: bold; height: auto; }
    CleanReviewScreen #review-totals { padding: 0 1; height: auto; }
    CleanReviewScreen #review-notes { padding: 0 1; height: auto; color: $warning; }
    CleanReviewScreen .caption { padding: 0 1; height: 1; text-style: bold; }
    CleanReviewScreen #review-projects { height: auto; max-height: 45%; }
    CleanReviewScreen #review-groups { height: 1fr; }
    """

    def __init__(
        self,
        scan_id: str,
        attachment_ids: list[str],
        *,
        past: bool = False,
        site_label: str = "",
        scan_date: str = "",
    ) -> None:
        super().__init__()
        self.scan_id = scan_id
        self.attachment_ids = list(attachment_ids)
        #: a past scan: read-only for cleanup until re-checked against Jira
        self.past = past
        self.rechecked = False
        self.site_label = site_label
        self.scan_date = scan_date
        self.plan: Plan | None = None
        self.review: PlanReview | None = None
        self.resumable = False
        self.left_out: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static("Cleanup review", id="review-title", markup=False)
        yield Static("Making the plan…", id="review-totals")
        yield Static(id="review-notes", markup=False)
        yield Static("Per project", id="review-projects-caption", classes="caption")
        yield ProjectTotals(id="review-projects")
        yield Static("Per group: each file to remove, and the copy that stays", classes="caption")
        yield VimDataTable(id="review-groups")
        yield Static(id="review-hint", classes="hint", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        projects = self.query_one("#review-projects", VimDataTable)
        projects.add_columns("Project", "Files", "Frees")
        groups = self.query_one("#review-groups", VimDataTable)
        # the fixed-width cells first, the group's name last (at 80 columns it is what gives)
        groups.add_columns("Size", "Remove copy", "Kept copy beside it", "Group (file)")
        self._make_plan()

    # -- the plan -------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, exit_on_error=False, group="clean-plan")
    def _make_plan(self) -> None:
        cleanup = self.workspace.cleanup()
        row = cleanup.unfinished(self.scan_id)
        if row is not None:
            plan = cleanup.load(row.id)
            reviewed = PlanReviewed(plan, cleanup.review(plan), resumable=True)
        else:
            plan = cleanup.plan(
                self.scan_id,
                PlanFilters(attachment_ids=tuple(self.attachment_ids)),
                policy=cleanup.marked(recent_days=self.app.settings.protect_days),
            )
            reviewed = PlanReviewed(plan, cleanup.review(plan))
        self.post_message(reviewed)

    def on_plan_reviewed(self, reviewed: PlanReviewed) -> None:
        self.plan, self.review, self.resumable = reviewed.plan, reviewed.review, reviewed.resumable
        self._draw()

    def _draw(self) -> None:
        plan, review = self.plan, self.review
        assert plan is not None and review is not None
        label = self.site_label or plan.site
        self.query_one("#review-title", Static).update(
            plain(
                f"Cleanup review · {label} · scan of {self.scan_date or plan.scan_id}"
                f" · {keep_rule(plan)}"
            )
        )
        done = plan.files - review.files
        totals = Text.assemble(
            "Remove ",
            (fmt.counted(review.files, "file"), "bold"),
            ", freeing ",
            (size_text(review.size), "bold red"),
            where_text(review),
        )
        only = [d for d in review.pending if d.redundant is None]
        if only:
            totals.append_text(
                Text.assemble(
                    "Archived first (no other copy): ",
                    (fmt.counted(len(only), "file"), "bold"),
                    f" ({size_text(sum(d.size for d in only))}), each verified before its delete. ",
                )
            )
        if self.resumable:
            totals.append(
                f"Plan {plan.id} was interrupted with {fmt.count(done)} files done: a resumes it "
                "(exactly what is left).",
                style="yellow",
            )
        else:
            totals.append("Nothing has changed yet: this is a dry run.", style="green")
        self.query_one("#review-totals", Static).update(totals)
        notes = list(plan.notes)
        if self.past and not self.rechecked and not self.resumable:
            notes.insert(
                0,
                "A past scan: read-only for cleanup until re-checked against Jira (R asks "
                "Jira for every file below and its kept copy).",
            )
        if self.resumable and self.attachment_ids:
            notes.append(
                f"Your {len(self.attachment_ids):,} marked copies wait: one cleanup of a scan at "
                "a time, and this one was interrupted (finish it, then D again)."
            )
        if self.left_out:
            reasons = sorted(set(self.left_out.values()))
            notes.append(
                f"Re-check left out {counted(len(self.left_out), 'file')}: "
                + "; ".join(reasons[:3])
                + ("; …" if len(reasons) > 3 else "")
            )
        self.query_one("#review-notes", Static).update(plain("\n".join(notes), lines=True))
        projects = self.query_one("#review-projects", VimDataTable)
        projects.clear()
        for total in review.projects:
            projects.add_row(
                total.key,
                Text(fmt.count(total.files), justify="right"),
                Text(size_text(total.size), justify="right"),
            )
        table = self.query_one("#review-groups", VimDataTable)
        table.clear()
        pending = {d.attachment_id for d in review.pending}
        for group in review.groups_left:
            first = True
            for d in group.removed:
                if d.attachment_id not in pending:
                    continue
                kept = f"{d.keep_issue_key} · {d.keep_id}"
                if d.keep_file_name and d.keep_file_name != group.name:
                    kept += f" · {d.keep_file_name}"
                table.add_row(
                    size_text(d.size),
                    f"{d.issue_key} · {d.attachment_id}",
                    Text.assemble(("★ ", "bold green"), kept)
                    if d.keep_id
                    else Text("archived first (no other copy)", style="bold yellow"),
                    # the group as the list of duplicate groups names it, not this copy's name
                    plain(group.name, "bold") if first else "",
                )
                first = False
        self.call_after_refresh(self._say_projects_shown)
        if self.past and not self.rechecked and not self.resumable:
            hint = "R re-checks the files against Jira (nothing is written) · Esc goes back"
        elif self.resumable:
            hint = "a resumes the interrupted plan · Esc goes back"
        elif review.files:
            hint = "a applies: you type to confirm; Jira has no trash for attachments · Esc back"
        else:
            hint = "Nothing to remove · Esc goes back"
        self.query_one("#review-hint", Static).update(hint)
        self.refresh_bindings()
        table.focus()
        # when the texts overflow a small screen, focusing the table scrolled the screen and
        # hid the title (the ★ legend): the top stays in view, the table keeps the focus
        self.call_after_refresh(self.scroll_home, animate=False)

    def on_project_totals_resized(self) -> None:
        self._say_projects_shown()

    def _say_projects_shown(self) -> None:
        """The per-project caption says how many rows show when the table cannot show all
        (a small terminal, many projects)."""
        table = self.query_one("#review-projects", VimDataTable)
        rows = table.row_count
        shown = max(0, table.scrollable_content_region.height - 1)  # the header row aside
        caption = "Per project"
        if rows > shown:
            caption += f": {shown:,} of {rows:,} shown (scroll for the rest)"
        self.query_one("#review-projects-caption", Static).update(caption)

    # -- keys -----------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "recheck":
            return self.past and not self.resumable and self.plan is not None
        return True

    def action_recheck(self) -> None:
        plan = self.plan
        if plan is None or not plan.files:
            return
        token = token_for(self, plan.site, plan.email)
        if token is None:
            return
        self.query_one("#review-hint", Static).update(
            f"Re-checking {counted(plan.files, 'file')} and their kept copies against Jira…"
        )
        self._recheck(plan, token)

    @work(thread=True, exclusive=True, exit_on_error=False, group="clean-recheck")
    def _recheck(self, plan: Plan, token: str) -> None:
        cleanup = self.workspace.cleanup()
        hint = self.query_one("#review-hint", Static)

        def progress(done: int, total: int) -> None:  # ~85 s for 535 files said nothing
            text = f"Re-checking against Jira: {done:,} of {counted(total, 'file')}…"
            self.app.call_from_thread(hint.update, text)

        result = cleanup.recheck(plan, token, progress=progress)
        checked = result.narrowed(plan, stamp(self.workspace.clock))
        self.post_message(
            PlanRechecked(checked, cleanup.review(checked), result.checked, dict(result.problems))
        )

    def on_plan_rechecked(self, result: PlanRechecked) -> None:
        self.plan, self.review = result.plan, result.review
        self.rechecked = True
        self.left_out = result.left_out
        self._draw()
        self.notify(
            f"Re-checked {fmt.counted(result.checked, 'attachment')}: "
            f"{fmt.counted(result.plan.files, 'file')} can go.",
            title="Cleanup",
        )

    def action_apply(self) -> None:
        plan, review = self.plan, self.review
        if plan is None or review is None:
            return
        if self.resumable:
            self._resume(plan, review)
            return
        if self.past and not self.rechecked:
            self.notify(
                "A past scan is read-only for cleanup until re-checked against Jira: press R.",
                severity="warning",
            )
            return
        if not review.files:
            self.notify("Nothing to remove.", severity="warning")
            return

        def answered(options: ApplyOptions | None) -> None:
            if options is None:
                return
            self._start(plan, options, resume=False)

        remembered = self.workspace.archive_destination(plan.site)
        self.app.push_screen(
            CleanConfirmScreen(plan, review.size, self.site_label, remembered), answered
        )

    def _resume(self, plan: Plan, review: PlanReview) -> None:
        from aa_tui.service.cleanup import ApplyOptions
        from aa_tui.tui.screens.confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                self._start(plan, ApplyOptions(), resume=True)

        self.app.push_screen(
            ConfirmScreen(
                f"Resume plan {plan.id}? It deletes what is left of it ({review.files:,} "
                "files), as it was confirmed, with its first run's choices of archive and comments.",
                yes="Resume",
            ),
            answered,
        )

    def _start(self, plan: Plan, options: ApplyOptions, *, resume: bool) -> None:
        from aa_tui.tui.screens.cleanup.apply import CleanApplyScreen

        token = token_for(self, plan.site, plan.email)
        if token is None:
            return
        self.app.switch_screen(
            CleanApplyScreen(plan, token, options, resume=resume, site_label=self.site_label)
        )


class CleanConfirmScreen(AppModal["ApplyOptions | None"]):
    """Type ``delete N`` to confirm; archive and comment options. Dismisses with the
    :class:`ApplyOptions`, or None (the default: Escape, Cancel)."""

    AUTO_FOCUS = "#confirm-phrase"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="clean_confirm.cancel")]
    DEFAULT_CSS = """
    CleanConfirmScreen { align: center middle; }
    CleanConfirmScreen > Vertical {
        width: 80; max-width: 100%; height: auto; max-height: 100%; overflow-y: auto;
        padding: 0 2; border: thick $error; background: $surface;
    }
    CleanConfirmScreen #confirm-question { margin-bottom: 1; }
    CleanConfirmScreen #confirm-problem { color: $error; height: auto; }
    CleanConfirmScreen #confirm-required { color: $warning; height: auto; }
    CleanConfirmScreen TextInput { margin-bottom: 1; }
    CleanConfirmScreen Horizontal { height: auto; align-horizontal: right; }
    CleanConfirmScreen Button { margin-left: 2; }
    """

    def __init__(self, plan: Plan, size: int, site_label: str = "", archive: str = "") -> None:
        super().__init__()
        self.plan = plan
        self.freed = size
        self.site_label = site_label or plan.site
        self.phrase = plan.confirmation
        #: the destination last confirmed for this site (offered again)
        self.archive = archive
        #: files no copy of survives: they need an archive
        self.only = len(plan.only_copies)
        #: the product the plan's site runs (its account says which kind of sign-in it took)
        self.kind = "Jira" if is_data_center(plan.email) else "Jira Cloud"

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                f"Delete {fmt.counted(self.plan.files, 'file')} ({size_text(self.freed)}) from "
                f"{visible(self.site_label)}? {self.kind} has no trash for attachments: without an "
                "archive a deleted file is gone for good. Each kept copy is checked right "
                f"before each delete.\n\nType  {self.phrase}  to confirm.",
                id="confirm-question",
                markup=False,
            )
            yield TextInput(placeholder=self.phrase, id="confirm-phrase")
            if self.only:
                yield Static(
                    f"{fmt.counted(self.only, 'file')} {'has' if self.only == 1 else 'have'} no other "
                    "copy: an archive is required.",
                    id="confirm-required",
                    markup=False,
                )
            yield TextInput(
                value=self.archive,
                placeholder=(
                    "Archive (required): a folder or s3://bucket/prefix"
                    if self.only
                    else "Archive (optional): a folder or s3://bucket/prefix, SHA-256 checked"
                ),
                id="confirm-archive",
            )
            yield Checkbox("Leave one comment on each touched issue", id="confirm-comment")
            yield Static(id="confirm-problem", markup=False)
            with Horizontal():
                yield Button("Delete", id="delete", variant="error", disabled=True)
                yield Button("Cancel", id="cancel", variant="primary")

    @on(TextInput.Changed, "#confirm-phrase")
    def _typed(self, event: TextInput.Changed) -> None:
        self.query_one("#delete", Button).disabled = not self._confirmed()

    def _confirmed(self) -> bool:
        return self.query_one("#confirm-phrase", TextInput).value.strip() == self.phrase

    @on(TextInput.Submitted)
    def _submitted(self, event: TextInput.Submitted) -> None:
        event.stop()
        if self._confirmed():
            self._done()
        elif event.input.id == "confirm-phrase":
            typed = event.value.strip()
            self.query_one("#confirm-problem", Static).update(
                f"Type exactly  {self.phrase}  (not {typed!r}) to delete; Escape cancels."
                if typed
                else f"Type  {self.phrase}  first; Escape cancels."
            )

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "delete" and self._confirmed():
            self._done()
        else:
            self.dismiss(None)

    def _done(self) -> None:
        from aa_tui.service.cleanup import ApplyOptions

        problem = self.query_one("#confirm-problem", Static)
        archive = self.query_one("#confirm-archive", TextInput).value.strip()
        if not archive and self.only:
            problem.update(
                f"Name an archive first: {fmt.counted(self.only, 'file')} of this plan have no "
                "other copy on Jira, and none is deleted without one (a folder or "
                "s3://bucket/prefix)."
            )
            self.query_one("#confirm-archive", TextInput).focus()
            return
        if archive and "://" not in archive:
            path = Path(archive).expanduser()
            if path.exists() and not path.is_dir():
                problem.update(f"{path} is a file, not a folder.")
                return
        comment = self.query_one("#confirm-comment", Checkbox).value
        try:
            options = ApplyOptions(archive=archive or None, comment=comment)
        except AaTuiError as exc:
            problem.update(describe(exc, Face.APP).message)
            return
        self.dismiss(options)  # the archive is remembered once the run has prepared it

    def action_cancel(self) -> None:
        self.dismiss(None)
