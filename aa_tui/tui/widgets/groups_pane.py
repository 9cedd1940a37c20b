"""Duplicate groups: a filter line, a status line and the line-rendered list."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import Static

from aa_tui.model.units import size_text
from aa_tui.tui import format as fmt
from aa_tui.tui.group_index import FILTER_WORDS, SORT_LABELS, SORTS, GroupFilter, GroupIndex
from aa_tui.tui.messages import GroupsLoading
from aa_tui.tui.safe import plain
from aa_tui.tui.shares import Drill
from aa_tui.tui.widgets.group_list import NO_GROUPS, GroupList
from aa_tui.tui.widgets.inputs import TextInput, typing_in_a_field

FILTER_HINT = (
    'Filter: words  project:KEY,KEY  -type:log  uploader:ana  age:"> 2 years"  status:Done'
)
DEBOUNCE_S = 0.2


class FilterInput(TextInput):
    """Enter applies the filter and goes back to the list; Escape goes back too."""

    BINDINGS = [Binding("escape", "leave", "Back to the list", id="filter.leave")]

    def action_leave(self) -> None:
        self.screen.query_one(GroupList).focus()


class GroupsPane(Vertical):
    """Sort and filter run over plain lists (:class:`GroupIndex`); the list draws a window."""

    HELP_GROUP = "Duplicate groups"
    BINDINGS = [
        Binding("slash", "filter", "Filter", id="groups.filter", priority=True),
        # the list's status line names s and r, and Esc clears a filter: the footer has the
        # room for the marks and Insights at 120 columns
        Binding("s", "cycle_sort", "Sort", show=False, id="groups.sort"),
        Binding("r", "reverse", "Reverse", show=False, id="groups.reverse"),
        Binding("ctrl+l", "clear_filter", "Clear filter", show=False, id="groups.clear_filter"),
    ]
    DEFAULT_CSS = """
    GroupsPane FilterInput { margin: 0 0; }
    GroupsPane #groups-status { padding: 0 1; height: auto; color: $text-muted; }
    GroupsPane #filter-problem { padding: 0 1; height: auto; color: $error; display: none; }
    """

    def __init__(self, *, likely: bool = False, id: str | None = None) -> None:
        super().__init__(id=id)
        self.index: GroupIndex | None = None
        self.sort = SORTS[0]
        self.reverse = False
        self.filter = GroupFilter()
        self.likely = likely
        self._debounce: Timer | None = None
        self._warmed = False
        self._cleaned = 0  # groups a cleanup left with one copy (or none)
        self._emptied = 0  # groups a cleanup left with no copy
        #: the breakdown row this list was drilled into from (its share of each group)
        self.drill: Drill | None = None

    def compose(self) -> ComposeResult:
        yield FilterInput(placeholder=FILTER_HINT, id="filter")
        yield Static(id="filter-problem", markup=False)
        yield Static("Loading duplicate groups…", id="groups-status", markup=False)
        yield GroupList(id="group-list")

    @property
    def group_list(self) -> GroupList:
        return self.query_one(GroupList)

    def on_groups_loading(self, message: GroupsLoading) -> None:
        if self.index is None:
            of = f" of {message.expected:,}" if message.expected else ""
            self.query_one("#groups-status", Static).update(
                f"Loading duplicate groups… {message.count:,}{of}"
            )

    def set_index(self, index: GroupIndex) -> None:
        self.index = index
        self._warmed = False
        # groups a cleanup left with one copy: no longer duplicates (the Overview counts
        # without them), still listed so that what was removed can be seen
        copies = [int(g.get("copies") or 0) for g in index.groups]
        self._cleaned = sum(1 for n in copies if n < 2)
        self._emptied = sum(1 for n in copies if n == 0)  # every copy removed (archived)
        self.apply()

    def apply(self, *, keep: bool = False) -> None:
        """Recompute the view from the index (sort, reverse, filter) and redraw."""
        if self.index is None:
            return
        drill = self.drill if self.drill is not None and self._drilled() else None
        view = self.index.view(self.sort, self.filter, reverse=self.reverse)
        shares = drill.shares if drill is not None and drill.ready else None
        if shares is not None and self.sort in ("wasted", "copies"):
            # the row's share orders the list (stable: whole-group order breaks ties)
            sign = 1 if self.reverse else -1
            if self.sort == "wasted":
                view.sort(key=lambda i: sign * shares[i].wasted if i in shares else 0)
            else:
                view.sort(key=lambda i: sign * shares[i].copies if i in shares else 0)
        total = len(self.index)
        # an empty view of a filtered list is not "no duplicate groups": say what is true
        self.group_list.empty_text = (
            f"No group matches the filter (of {fmt.counted(total, 'group')} in all)."
            if self.filter.active and total
            else NO_GROUPS
        )
        self.group_list.set_view(self.index.groups, view, keep=keep, shares=shares)
        shown = f"{len(view):,} of {total:,} groups" if self.filter.active else f"{total:,} groups"
        if self._cleaned:
            shown += f" ({cleaned_text(self._cleaned, self._emptied)})"
        direction = "smallest first" if self.reverse else "biggest first"
        if self.sort == "name":
            direction = "Z to A" if self.reverse else "A to Z"
        kind = " (likely: same name and size)" if self.likely else ""
        sort = SORT_LABELS[self.sort] + (" here" if shares is not None and self.sort in (
            "wasted", "copies") else "")  # fmt: skip
        if drill is not None:  # the footer lists the keys: room for the row's subtotal
            text = f"{self._drill_text(drill, len(view))} · by {sort}, {direction}"
        else:
            text = (
                f"{shown}{kind} · sorted by {sort}, {direction} · s sort · r reverse · "
                "/ filter · Enter opens"
            )
        self.query_one("#groups-status", Static).update(plain(text))  # a drilled row's name

    def _drilled(self) -> bool:
        """The filter still shows the drilled row alone (else the list is a plain filter)."""
        drill = self.drill
        assert drill is not None
        return self.filter == GroupFilter().with_facet(drill.facet, drill.value)

    @staticmethod
    def _drill_text(drill: Drill, groups: int) -> str:
        where = f"{drill.noun} {drill.value}"
        if not drill.ready:
            return f"{where}: {groups:,} groups with a copy there · counting its share…"
        copies, wasted = drill.subtotal()
        text = (
            f"{where}: {groups:,} groups · {copies:,} redundant copies there, "
            f"{size_text(wasted)} wasted"
        )
        if (copies, wasted) != (drill.row_copies, drill.row_wasted):
            text += f" (its row says {drill.row_copies:,}, {size_text(drill.row_wasted)})"
        return text

    def set_drill(self, drill: Drill | None) -> None:
        """Show (or, with None, stop showing) each group's share of a breakdown row."""
        self.drill = drill
        self.apply(keep=True)

    def set_filter(self, flt: GroupFilter) -> None:
        self.filter = flt
        self.query_one(FilterInput).value = flt.to_query()
        self._cancel_debounce()
        self.apply()
        self._show_problems(flt)

    # -- keys -----------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "filter":
            return not typing_in_a_field(self)
        return super().check_action(action, parameters)

    def action_filter(self) -> None:
        # Focus now, not on the next turn (Widget.focus): keys typed or pasted right behind
        # the slash are already queued and must reach the box, not the list's bindings.
        self.screen.set_focus(self.query_one(FilterInput))
        if self.index is not None and not self._warmed:
            # Build the text index while the user types (sorts and facets are cheap enough
            # on first use). Not earlier: a thread competes with drawing for the GIL.
            self._warmed = True
            self.run_worker(self.index.warm, thread=True, group="warm-index", exit_on_error=False)

    def action_cycle_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self.apply(keep=True)

    def action_reverse(self) -> None:
        self.reverse = not self.reverse
        self.apply(keep=True)

    def action_clear_filter(self) -> None:
        self.set_filter(GroupFilter())

    @on(FilterInput.Changed)
    def _typed(self, event: FilterInput.Changed) -> None:
        event.stop()
        self._cancel_debounce()
        self._debounce = self.set_timer(DEBOUNCE_S, self._apply_typed)

    @on(FilterInput.Submitted)
    def _submitted(self, event: FilterInput.Submitted) -> None:
        event.stop()
        self._cancel_debounce()
        self._apply_typed()
        self.group_list.focus()

    def _cancel_debounce(self) -> None:
        if self._debounce is not None:
            self._debounce.stop()
            self._debounce = None

    def _apply_typed(self) -> None:
        flt = GroupFilter.parse(self.query_one(FilterInput).value)
        if flt != self.filter:
            self.filter = flt
            self.apply()
        self._show_problems(flt)

    def _show_problems(self, flt: GroupFilter) -> None:
        """What the typed filter got wrong, or values no group has: one line each."""
        lines = list(flt.problems)
        if self.index is not None:
            words = {name: word for word, name in FILTER_WORDS.items()}
            asked = [(n, v) for n in FILTER_WORDS.values() for v in flt.wanted(n)]
            for name, value in [*asked, *flt.exclude]:
                if not self.index.members(name, [value]):
                    known = ", ".join(self.index.values(name)[:6])
                    lines.append(
                        f"No group has {words[name]} {value!r}"
                        + (f" (some there are: {known})." if known else ".")
                    )
        problem = self.query_one("#filter-problem", Static)
        problem.update(plain("\n".join(lines), lines=True))  # values quoted from the scan
        problem.display = bool(lines)


def cleaned_text(cleaned: int, emptied: int) -> str:
    """ "116 cleaned: one copy left", or with groups none of whose copies is left (every copy
    marked and archived) "116 cleaned: one copy left, none in 2"."""
    text = f"{cleaned:,} cleaned: one copy left"
    if emptied == cleaned:
        return f"{cleaned:,} cleaned: no copy left"
    return text + (f", none in {emptied:,}" if emptied else "")
