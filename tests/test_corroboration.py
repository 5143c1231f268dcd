"""Many sources, one figure: the written rules of status/evidence.py, through
the database, the status rows and the conflicts list."""

from __future__ import annotations

import datetime

import pytest

from deployments.models import (
    FigureResolution,
    Nation,
    Precision,
    Stance,
    Standing,
)
from deployments.status import StatusRow, current_status
from deployments.status.conflicts import ConflictState, current_conflicts
from tests.factories import (
    IntentionFactory,
    NationFactory,
    SourceFactory,
    TroopCountFactory,
    reported_count,
)

pytestmark = pytest.mark.django_db

JAN = {day: datetime.date(2020, 1, day) for day in range(1, 32)}
MAR = {day: datetime.date(2020, 3, day) for day in range(1, 32)}


@pytest.fixture
def italy() -> Nation:
    return NationFactory(code="ITA", name="Italy")


def only_row(**filters: object) -> StatusRow:
    (row,) = current_status(**filters)
    return row


def test_independent_sources_that_agree_corroborate(italy: Nation) -> None:
    reported_count(italy, 1000, JAN[8], "Outlet A", precision=Precision.APPROXIMATE)
    reported_count(italy, 950, JAN[10], "Outlet B")
    row = only_row()
    assert (row.troops, row.troops_sources, row.troops_conflict) == (950, 2, False)
    assert (row.troops_low, row.troops_high) == (950, 1000)


def test_two_outlets_printing_one_wire_story_are_one_source(italy: Nation) -> None:
    reported_count(italy, 1000, JAN[8], "Outlet A", agency="AP")
    reported_count(italy, 1000, JAN[9], "Outlet B", agency="ap ")
    assert only_row().troops_sources == 1


def test_one_publisher_without_an_agency_is_one_source(italy: Nation) -> None:
    reported_count(italy, 1000, JAN[8], "Outlet A")
    reported_count(italy, 1000, JAN[9], "outlet a")
    assert only_row().troops_sources == 1


def test_wire_copies_that_disagree_are_not_a_conflict(italy: Nation) -> None:
    """A source correcting itself replaced its figure: one source, one figure."""
    reported_count(italy, 1000, JAN[8], "Outlet A", agency="Reuters")
    reported_count(italy, 600, JAN[9], "Outlet B", agency="Reuters")
    row = only_row()
    assert (row.troops, row.troops_conflict, row.troops_sources) == (600, False, 1)
    assert current_conflicts() == []


def test_a_wire_story_reprinted_a_dozen_times_leaves_the_others_compared(
    italy: Nation,
) -> None:
    """However many outlets print one agency's story in the window, it is one
    source, and the independent reports before it are still compared."""
    reported_count(italy, 500, JAN[1], "Outlet A")
    reported_count(italy, 1000, JAN[2], "Outlet B")
    for day in range(3, 15):
        reported_count(italy, 1000, JAN[day], f"Paper {day}", agency="AP")
    row = only_row()
    assert (row.troops, row.troops_conflict) == (500, True)
    assert (row.troops_low, row.troops_high) == (500, 1000)
    (conflict,) = current_conflicts()
    assert conflict.state == ConflictState.OPEN


def test_reprints_of_a_wire_story_corroborate_as_one_beside_the_others(
    italy: Nation,
) -> None:
    reported_count(italy, 1000, JAN[2], "Outlet B")
    for day in range(3, 15):
        reported_count(italy, 1000, JAN[day], f"Paper {day}", agency="AP")
    assert only_row().troops_sources == 2


def test_a_source_that_corrected_itself_leaves_no_open_conflict(
    italy: Nation,
) -> None:
    """Outlet A's 1,000 disagreed with B's 500 until A itself said 500: the
    status and the conflicts list both see one source, one figure."""
    reported_count(italy, 1000, JAN[1], "Outlet A")
    reported_count(italy, 500, JAN[3], "Outlet B")
    reported_count(italy, 500, JAN[5], "Outlet A")
    assert only_row().troops_conflict is False
    assert current_conflicts(state=ConflictState.OPEN) == []
    (past,) = current_conflicts()
    assert past.state == ConflictState.RESOLVED


def test_figures_that_do_not_overlap_conflict_and_the_lowest_is_kept(
    italy: Nation,
) -> None:
    reported_count(italy, 500, JAN[8], "Outlet A")
    newest = reported_count(
        italy, 1000, JAN[12], "Outlet B", precision=Precision.APPROXIMATE
    )
    row = only_row()
    assert row.troops_conflict is True
    assert row.troops == 500, "the most conservative credible figure"
    assert (row.troops_low, row.troops_high) == (500, 1000)
    (conflict,) = current_conflicts()
    assert conflict.state == ConflictState.OPEN
    assert conflict.counts[-1] == newest.pk
    assert (conflict.low, conflict.high) == (500, 1000)


def test_figures_further_apart_than_the_window_do_not_conflict(
    italy: Nation, settings: object
) -> None:
    reported_count(italy, 500, JAN[1], "Outlet A")
    reported_count(italy, 1000, JAN[16], "Outlet B")  # 15 days later
    row = only_row()
    assert (row.troops, row.troops_conflict, row.troops_sources) == (1000, False, 1)
    settings.CORROBORATION_WINDOW_DAYS = 15  # type: ignore[attr-defined]
    assert len(current_conflicts()) == 1


@pytest.mark.parametrize(
    ("one", "other", "conflict"),
    [
        # Approximate figures stand for ±10 %, estimates for ±20 %.
        ((1000, Precision.APPROXIMATE), (880, Precision.EXACT), True),
        ((1000, Precision.APPROXIMATE), (910, Precision.EXACT), False),
        ((1000, Precision.ESTIMATED), (850, Precision.EXACT), False),
        ((1000, Precision.ESTIMATED), (790, Precision.EXACT), True),
        ((1000, Precision.EXACT), (999, Precision.EXACT), True),
    ],
)
def test_tolerance_of_approximate_and_estimated_figures(
    italy: Nation, one: tuple, other: tuple, conflict: bool
) -> None:
    reported_count(italy, one[0], JAN[8], "Outlet A", precision=one[1])
    reported_count(italy, other[0], JAN[9], "Outlet B", precision=other[1])
    assert only_row().troops_conflict is conflict


def test_a_lower_bound_agrees_with_everything_above_it(italy: Nation) -> None:
    # "over 900 in and around Iraq" against "around 1,000" and 5,000
    reported_count(italy, 900, JAN[8], "Outlet A", low=900)
    reported_count(italy, 5000, JAN[9], "Outlet B")
    row = only_row()
    assert (row.troops_conflict, row.troops_sources) == (False, 2)
    assert (row.troops_low, row.troops_high) == (900, None), "open-ended"
    reported_count(italy, 1000, JAN[10], "Outlet C", precision=Precision.APPROXIMATE)
    row = only_row()
    assert row.troops_conflict is True, "~1,000 and 5,000 cannot both be true"
    assert row.troops == 900


def test_an_upper_bound_conflicts_with_a_figure_above_it(italy: Nation) -> None:
    # "nearly 12,000" against 11,900 (agrees) and 12,500 (cannot be)
    reported_count(italy, 12000, JAN[8], "Outlet A", high=12000)
    reported_count(italy, 11900, JAN[9], "Outlet B")
    assert only_row().troops_conflict is False
    reported_count(italy, 12500, JAN[10], "Outlet C")
    row = only_row()
    assert row.troops_conflict is True
    assert row.troops == 11900


def test_ranges_conflict_only_when_they_do_not_overlap(italy: Nation) -> None:
    reported_count(italy, 30, JAN[8], "Outlet A", low=30, high=40)
    reported_count(italy, 40, JAN[9], "Outlet B", low=40, high=50)
    assert only_row().troops_conflict is False
    reported_count(italy, 60, JAN[10], "Outlet C", low=60, high=70)
    assert only_row().troops_conflict is True


def test_disputed_figures_neither_corroborate_nor_conflict(italy: Nation) -> None:
    reported_count(italy, 1000, JAN[8], "Outlet A")
    doubted = reported_count(italy, 300, JAN[9], "Outlet B")
    copy = reported_count(italy, 1000, JAN[10], "Outlet C")
    doubted.standing = Standing.DISPUTED
    doubted.save()
    row = only_row()
    assert (row.troops, row.troops_conflict, row.troops_sources) == (1000, False, 2)
    assert row.troops_source == copy.source_id
    # Disputed, the latest figure is still shown, flagged, and backed by none.
    copy.standing = Standing.DISPUTED
    copy.save()
    row = only_row()
    assert (row.troops_standing, row.troops_sources) == (Standing.DISPUTED, 0)


def test_resolving_a_conflict_keeps_the_preferred_figure(italy: Nation) -> None:
    older = reported_count(italy, 500, JAN[8], "Outlet A")
    preferred = reported_count(italy, 800, JAN[10], "Outlet B")
    newer = reported_count(italy, 1500, JAN[12], "Outlet C")
    assert only_row().troops == 500

    FigureResolution.resolve(
        preferred, [older, newer], "The ministry's own figure.", on=JAN[20]
    )

    row = only_row()
    assert (row.troops, row.troops_conflict) == (800, False)
    older.refresh_from_db()
    newer.refresh_from_db()
    assert older.standing == Standing.SUPERSEDED, "counted before the preferred"
    assert newer.standing == Standing.DISPUTED, "counted after it"
    assert "The ministry's own figure." in newer.standing_note
    assert newer.standing_changed_on == JAN[20]
    assert newer.history.first().history_change_reason == (
        f"conflict resolved in favour of count {preferred.pk}"
    )
    (conflict,) = current_conflicts()
    assert conflict.state == ConflictState.RESOLVED
    assert conflict.preferred == preferred.pk
    assert conflict.counts == (older.pk, preferred.pk, newer.pk)


def test_a_resolution_is_unknown_before_its_date(italy: Nation) -> None:
    older = reported_count(italy, 500, JAN[8], "Outlet A")
    preferred = reported_count(italy, 800, JAN[10], "Outlet B")
    FigureResolution.resolve(preferred, [older], "Later count.", on=JAN[20])
    before = only_row(as_of=JAN[15])
    assert (before.troops, before.troops_conflict) == (500, True)
    (conflict,) = current_conflicts(as_of=JAN[15])
    assert (conflict.state, conflict.resolution) == (ConflictState.OPEN, None)
    assert only_row(as_of=JAN[20]).troops == 800


def test_a_new_figure_reopens_a_resolved_conflict(italy: Nation) -> None:
    older = reported_count(italy, 500, JAN[8], "Outlet A")
    preferred = reported_count(italy, 800, JAN[10], "Outlet B")
    FigureResolution.resolve(preferred, [older], "Later count.", on=JAN[11])
    reported_count(italy, 2000, JAN[14], "Outlet C")
    row = only_row()
    assert (row.troops, row.troops_conflict) == (800, True)
    (conflict,) = current_conflicts()
    assert conflict.state == ConflictState.OPEN
    assert conflict.preferred == preferred.pk


def test_as_of_leaves_out_a_conflicting_figure_counted_later(italy: Nation) -> None:
    reported_count(italy, 500, JAN[8], "Outlet A")
    reported_count(italy, 1000, JAN[12], "Outlet B")
    assert only_row(as_of=JAN[10]).troops_conflict is False
    assert current_conflicts(as_of=JAN[10]) == []
    assert only_row(as_of=JAN[12]).troops_conflict is True


def test_conflicts_are_filtered_by_nation_host_state_and_date(italy: Nation) -> None:
    canada = NationFactory(code="CAN", name="Canada")
    kuwait = NationFactory(code="KWT", name="Kuwait")
    reported_count(italy, 500, JAN[8], "Outlet A")
    reported_count(italy, 1000, JAN[9], "Outlet B")
    for on, troops, publisher in [(MAR[1], 100, "A"), (MAR[2], 300, "B")]:
        TroopCountFactory(
            nation=canada,
            host=kuwait,
            troops=troops,
            precision=Precision.EXACT,
            counted_on=on,
            source=SourceFactory(publisher=publisher),
        )
    assert [c.nation for c in current_conflicts()] == ["CAN", "ITA"]
    assert [c.nation for c in current_conflicts(nation_codes=["ITA"])] == ["ITA"]
    assert [c.host for c in current_conflicts(host_codes=["KWT"])] == ["KWT"]
    assert [c.nation for c in current_conflicts(counted_after=MAR[1])] == ["CAN"]
    assert [c.nation for c in current_conflicts(counted_before=JAN[31])] == ["ITA"]
    assert current_conflicts(state=ConflictState.RESOLVED) == []


def test_stances_of_independent_sources_corroborate_or_differ(italy: Nation) -> None:
    IntentionFactory(
        nation=italy,
        stance=Stance.STAYING,
        reported_on=JAN[8],
        source=SourceFactory(publisher="Outlet A"),
    )
    IntentionFactory(
        nation=italy,
        stance=Stance.STAYING,
        reported_on=JAN[9],
        source=SourceFactory(publisher="Outlet B"),
    )
    row = only_row()
    assert (row.stance_sources, row.stance_conflict) == (2, False)
    IntentionFactory(
        nation=italy,
        stance=Stance.WITHDRAWING,
        reported_on=JAN[10],
        source=SourceFactory(publisher="Outlet C"),
    )
    row = only_row()
    assert (row.stance, row.stance_sources, row.stance_conflict) == (
        Stance.WITHDRAWING,
        1,
        True,
    )


def test_a_source_changing_its_own_stance_is_no_conflict(italy: Nation) -> None:
    outlet_a = SourceFactory(publisher="Outlet A")
    IntentionFactory(
        nation=italy, stance=Stance.STAYING, reported_on=JAN[8], source=outlet_a
    )
    for day, source in [(JAN[9], outlet_a), (JAN[10], SourceFactory(publisher="B"))]:
        IntentionFactory(
            nation=italy, stance=Stance.WITHDRAWING, reported_on=day, source=source
        )
    # A's "staying" was replaced by its own "withdrawing": both sources agree.
    row = only_row()
    assert (row.stance, row.stance_sources, row.stance_conflict) == (
        Stance.WITHDRAWING,
        2,
        False,
    )


def test_a_source_whose_newest_stance_differs_no_longer_backs_the_old_one(
    italy: Nation,
) -> None:
    outlet_a = SourceFactory(publisher="Outlet A")
    IntentionFactory(
        nation=italy, stance=Stance.STAYING, reported_on=JAN[8], source=outlet_a
    )
    IntentionFactory(
        nation=italy,
        stance=Stance.WITHDRAWING,
        reported_on=JAN[9],
        source=outlet_a,
    )
    IntentionFactory(
        nation=italy,
        stance=Stance.STAYING,
        reported_on=JAN[10],
        source=SourceFactory(publisher="Outlet B"),
    )
    row = only_row()
    assert (row.stance, row.stance_sources, row.stance_conflict) == (
        Stance.STAYING,
        1,
        True,
    )


def test_the_status_filters_by_conflict(italy: Nation) -> None:
    reported_count(italy, 500, JAN[8], "Outlet A")
    reported_count(italy, 1000, JAN[9], "Outlet B")
    calm = NationFactory(code="CAN")
    reported_count(calm, 500, JAN[8], "Outlet A")
    assert [row.nation for row in current_status(conflict=True)] == ["ITA"]
    assert [row.nation for row in current_status(conflict=False)] == ["CAN"]


def test_the_pages_show_how_many_sources_back_the_figure_and_the_stance(
    italy: Nation, client: object
) -> None:
    reported_count(italy, 1000, JAN[8], "Outlet A", precision=Precision.APPROXIMATE)
    reported_count(italy, 950, JAN[10], "Outlet B")
    for day, publisher in ((8, "Outlet A"), (9, "Outlet B")):
        IntentionFactory(
            nation=italy,
            stance=Stance.STAYING,
            reported_on=JAN[day],
            source=SourceFactory(publisher=publisher),
        )
    status_page = client.get("/").text  # type: ignore[attr-defined]
    nation_page = client.get("/nations/ITA/").text  # type: ignore[attr-defined]
    table_row = status_page.split("<tbody>")[1].split("</tbody>")[0]
    status_card = nation_page.split('id="now-heading"')[1].split("</section>")[0]
    for shown in (table_row, status_card):
        assert "2 sources: 950–1,000" in shown  # the figure's, with its span
        assert shown.count("2 sources") == 2  # and the stance's


def test_the_status_page_marks_and_filters_rows_with_a_conflict(
    italy: Nation, client: object
) -> None:
    reported_count(italy, 500, JAN[8], "Outlet A")
    reported_count(italy, 1000, JAN[9], "Outlet B")
    reported_count(NationFactory(code="CAN", name="Canada"), 500, JAN[8], "Outlet A")
    page = client.get("/").text  # type: ignore[attr-defined]
    assert page.count('<tr class="conflict">') == 1
    assert "conflicting figures: 500–1,000" in page
    only = client.get("/", {"conflict": "true"}).text  # type: ignore[attr-defined]
    assert only.count('<th scope="row"') == 1
    assert "Italy" in only and "Canada" not in only.split("<tbody>")[1]
    bad = client.get("/", {"conflict": "maybe"})  # type: ignore[attr-defined]
    assert bad.status_code == 400
