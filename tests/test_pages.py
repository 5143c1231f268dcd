"""The status page and the nation pages, as a reader gets them."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from deployments.models import Nation, Precision, Stance, Standing
from deployments.status import STATUS_COLUMNS
from deployments.synthetic import Plan, generate
from tests.factories import IntentionFactory, NationFactory, TroopCountFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def article() -> None:
    call_command("loaddata", "nations", "article_2020_01_08", verbosity=0)


def table_rows(html: str) -> list[str]:
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    return body.split("<tr>")[1:]


def test_status_page_shows_figures_as_people_write_them(
    client: Client, article: None
) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.text
    assert len(table_rows(html)) == 7
    for shown in ("~5,200", "est. 500", "~1,000", "unknown"):
        assert shown in html
    assert (
        '<span class="badge stance-partial_withdrawal">Partial withdrawal</span>'
        in html
    )
    assert '<span class="marker">temporary</span>' in html  # NATO
    assert "<caption>" in html and 'scope="col"' in html and 'scope="row"' in html


def test_quotes_and_sources_are_on_the_page(client: Client, article: None) -> None:
    html = client.get("/").text
    assert "We are not leaving Iraq." in html
    assert "<details><summary>Quote</summary>" in html
    assert "Iran fires missiles at US troop bases in Iraq" in html


def test_retracted_statement_never_drives_a_row(client: Client, article: None) -> None:
    html = client.get("/").text
    assert "William Seely" not in html
    us_row = next(row for row in table_rows(html) if "United States" in row)
    assert "Staying" in us_row and "Mark Esper" in us_row


def test_totals_line(client: Client, article: None) -> None:
    html = client.get("/").text
    assert "<strong>6,700</strong> troops with a known count" in html
    assert "3 nations" in html  # staying: USA, ITA, FRA
    assert "2 approximate and 1 estimated" in html


def test_chart_is_inline_svg_described_for_screen_readers(
    client: Client, article: None
) -> None:
    html = client.get("/").text
    svg = html.split('<svg class="chart"')[1].split("</svg>")[0]
    assert 'role="img"' in svg
    assert "<title" in svg and "<desc" in svg
    assert "United States in Iraq: ~5,200 troops, staying." in svg
    assert svg.count("<rect") == 3  # only rows with a known number
    assert "4 rows have no known number" in html


def test_filters_narrow_the_table_and_stay_in_the_url(
    client: Client, article: None
) -> None:
    html = client.get("/?stance=repositioning&kind=state").text
    rows = table_rows(html)
    assert sorted(r.split('">')[2].split("<")[0] for r in rows) == [
        "Germany",
        "Romania",
    ]
    assert 'href="/status.csv?stance=repositioning&amp;kind=state"' in html
    assert 'option value="repositioning" selected' in html


def test_as_of_shows_what_was_known_then(client: Client) -> None:
    canada = NationFactory(code="CAN", name="Canada")
    TroopCountFactory(nation=canada, troops=500, counted_on="2020-01-03")
    TroopCountFactory(nation=canada, troops=350, counted_on="2020-01-10")
    IntentionFactory(nation=canada, stance=Stance.STAYING, reported_on="2020-01-03")
    IntentionFactory(nation=canada, stance=Stance.WITHDRAWING, reported_on="2020-01-09")
    html = client.get("/?as_of=2020-01-05").text
    assert "as known on 5 January 2020" in html
    (row,) = table_rows(html)
    assert "500" in row and "350" not in row and "Staying" in row


def test_sorting_by_troops_descending(client: Client) -> None:
    for code, troops in (("AAA", 10), ("BBB", 30), ("CCC", 20)):
        TroopCountFactory(nation__code=code, troops=troops, precision=Precision.EXACT)
    TroopCountFactory(nation__code="DDD", troops=None, precision=Precision.UNKNOWN)
    html = client.get("/?sort=-troops").text
    order = [row.split('class="code">')[1][:3] for row in table_rows(html)]
    assert order == ["BBB", "CCC", "AAA", "DDD"]  # unknown last
    assert 'aria-sort="descending"' in html
    assert 'href="?sort=troops"' in html  # a second click reverses


@pytest.mark.parametrize(
    "query",
    [
        "as_of=2020-13-45",
        "stance=fleeing",
        "kind=empire",
        "host=ATLANTIS",
        "sort=quote",
        "outcome=,",
    ],
)
def test_bad_filter_is_a_400_page_saying_what_is_wrong(
    client: Client, article: None, query: str
) -> None:
    response = client.get(f"/?{query}")
    assert response.status_code == 400
    assert "Some filters could not be used" in response.text
    assert "<tbody>" not in response.text


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31"])
def test_as_of_before_1900_is_refused_with_the_message_the_api_gives(
    client: Client, article: None, day: str
) -> None:
    message = f"{day} is before 1900-01-01, the earliest date the tracker takes."
    page = client.get(f"/?as_of={day}")
    assert page.status_code == 400
    assert message in page.text
    download = client.get(f"/status.csv?as_of={day}")
    assert (download.status_code, download.text) == (400, f"as_of: {message}")
    assert client.get("/?as_of=1900-01-01").status_code == 200


def test_csv_download_has_exactly_the_rows_shown(client: Client, article: None) -> None:
    response = client.get("/status.csv?stance=staying&sort=-troops")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    table = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["nation"] for row in table] == ["USA", "ITA", "FRA"]
    assert table[0]["troops"] == "5200"
    assert table[0]["stated_by"] == "Mark Esper"
    assert client.get("/status.csv?as_of=never").status_code == 400


def test_both_status_csvs_have_the_same_columns_and_rows(
    client: Client, article: None
) -> None:
    page = client.get("/status.csv?kind=state").content.decode()
    api = client.get("/api/status/?format=csv&nation_kind=state&page_size=100")
    assert page == api.content.decode()
    assert page.splitlines()[0].split(",") == STATUS_COLUMNS
    assert len(page.splitlines()) == 1 + 6  # the article's six states


def test_nation_page_shows_status_and_full_timeline(
    client: Client, article: None
) -> None:
    response = client.get("/nations/USA/")
    assert response.status_code == 200
    html = response.text
    assert "~5,200" in html
    timeline = html.split('class="timeline"')[1]
    assert timeline.index("6 January 2020") < timeline.index("8 January 2020")
    # The retracted letter is shown, struck through, with the reason.
    assert '<span class="marker marker-retracted">retracted</span>' in timeline
    assert "<del>Then on Monday, a letter emerged" in timeline
    assert "mistakenly released draft" in timeline


def test_disputed_statement_is_marked(client: Client) -> None:
    intention = IntentionFactory(
        nation__code="CAN",
        standing=Standing.DISPUTED,
        standing_note="Ottawa denied it.",
    )
    html = client.get(f"/nations/{intention.nation.code}/").text
    assert "Disputed" in html and "Ottawa denied it." in html


def test_unknown_nation_is_a_404(client: Client) -> None:
    assert client.get("/nations/XYZ/").status_code == 404


def test_user_text_is_escaped(client: Client) -> None:
    IntentionFactory(
        nation__code="CAN", quote='<script>alert("x")</script>', speaker="<b>Bold</b>"
    )
    html = client.get("/").text
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;" in html and "&lt;b&gt;Bold&lt;/b&gt;" in html


def make_world(nations: int) -> None:
    kuwait = NationFactory(code="KWT", name="Kuwait")
    for _ in range(nations):
        count = TroopCountFactory()
        IntentionFactory(nation=count.nation, destination=kuwait)
        IntentionFactory(nation=count.nation, standing=Standing.RETRACTED)


# Query counts as production has them: committed data, the cache on, requests
# in autocommit (so outside the test transaction other tests run in).


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("nations", [1, 12])
def test_status_page_query_count_is_fixed(
    client: Client, nations: int, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    make_world(nations)
    # 1. the revision, for the validators, under which the rows and the map
    # are looked up; 2. host countries for the filter; 3-9. the status
    # (tests/test_status.py); 10. the revision again, unmoved: the rows are
    # kept; 11. the revision after drawing the map, unmoved: the map is kept;
    # 12. once more: so is the rendered page
    with django_assert_num_queries(12):
        response = client.get("/")
    assert len(table_rows(response.text)) == nations
    # 1. the revision: the rendered page comes from the cache
    with django_assert_num_queries(1):
        assert client.get("/").text == response.text


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("statements", [1, 12])
def test_nation_page_query_count_is_fixed(
    client: Client, statements: int, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    count = TroopCountFactory(nation__code="CAN")
    for _ in range(statements):
        IntentionFactory(nation=count.nation)
    # 1. the revision, for the validators, under which the status, map and
    # charts are looked up; 2. the nation; 3-4. the timeline's length
    # (counts, statements); 5. the page's entries in date order; 6-7. those
    # counts and statements; 8-9. the statements' outcomes; 10-16. its status
    # (tests/test_status.py); 17. the revision again; 18. the revision after
    # drawing the map, which is kept; 19-22. the charts (every count with its
    # source and resolution, the statements' outcomes in two, the
    # statements); 23. the revision again: the charts are kept
    with django_assert_num_queries(23):
        response = client.get("/nations/CAN/")
    assert response.text.count('<li class="entry') == statements + 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("nations", [1, 12])
def test_csv_query_count_is_fixed(
    client: Client, nations: int, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    make_world(nations)
    # 1. the revision; 2. host countries for the form; 3-9. the status
    # (tests/test_status.py); 10. the revision again: the rows are kept;
    # 11. once more: so is the file
    with django_assert_num_queries(11):
        response = client.get("/status.csv")
    assert len(response.content.decode().strip().splitlines()) == nations + 1


def test_csv_download_keeps_formula_like_text_as_text(client: Client) -> None:
    IntentionFactory(nation__code="CAN", quote="=1+2", speaker="@SUM(A1)")
    table = list(
        csv.DictReader(io.StringIO(client.get("/status.csv").content.decode()))
    )
    assert (table[0]["quote"], table[0]["stated_by"]) == ("'=1+2", "'@SUM(A1)")


def test_status_table_comes_fifty_rows_a_page_with_totals_over_all(
    client: Client,
) -> None:
    generate(Plan(nations=18, hosts=3, records_per_nation=6))  # 54 pairs
    first = client.get("/?kind=state")
    assert len(table_rows(first.text)) == 50
    assert "54 rows, one per nation and host country; rows 1–50 shown" in first.text
    assert "of 54 rows" in first.text  # the totals line counts every row
    assert 'href="?kind=state&amp;page=2" rel="next"' in first.text

    second = client.get("/?kind=state&page=2")
    assert len(table_rows(second.text)) == 4
    assert 'href="?kind=state&amp;page=1" rel="prev"' in second.text
    # Nation and host: each pair on one page only.
    shown = {row.split("</td>")[0] for row in table_rows(first.text)}
    assert not shown & {row.split("</td>")[0] for row in table_rows(second.text)}


def test_new_filters_start_from_the_first_page(client: Client) -> None:
    generate(Plan(nations=35, hosts=3, records_per_nation=6))
    form = client.get("/?page=2").text.split("</form>")[0]
    assert 'name="page"' not in form


@pytest.mark.parametrize("page", ["0", "-1", "two", "1.5"])
def test_a_malformed_page_number_is_refused(client: Client, page: str) -> None:
    response = client.get(f"/?page={page}")
    assert response.status_code == 400
    assert "Page" in response.text


def test_a_page_past_the_end_is_not_found(client: Client, article: None) -> None:
    assert client.get("/?page=2").status_code == 404


def test_chart_draws_the_largest_figures_and_says_what_it_leaves_out(
    client: Client,
) -> None:
    generate(Plan(nations=12, hosts=3, records_per_nation=6))  # 36 pairs
    html = client.get("/").text
    chart = html.split('<svg class="chart"')[1].split("</svg>")[0]
    assert chart.count("<rect ") == 25
    assert "The 25 largest figures are drawn; 11 smaller ones are in the table." in html


def test_a_long_timeline_opens_on_its_newest_page(client: Client) -> None:
    generate(Plan(nations=1, hosts=2, records_per_nation=250))  # 248 entries
    nation = Nation.objects.get(code="ZSAAAA")
    newest = client.get(f"/nations/{nation.code}/")
    assert newest.status_code == 200
    html = newest.text
    assert html.count('<li class="entry') == 48
    assert "Entries 201–248 of 248, oldest first." in html
    assert 'href="?page=2" rel="prev"' in html and 'href="?page=1">Oldest' in html

    oldest = client.get(f"/nations/{nation.code}/?page=1").text
    assert oldest.count('<li class="entry') == 100
    first_dates = dates_in(oldest)
    assert first_dates == sorted(first_dates)
    assert first_dates[-1] <= dates_in(client.get("/nations/ZSAAAA/?page=2").text)[0]


@pytest.mark.parametrize(("page", "status"), [("0", 400), ("x", 400), ("9", 404)])
def test_a_bad_timeline_page_is_refused(
    client: Client, article: None, page: str, status: int
) -> None:
    assert client.get(f"/nations/CAN/?page={page}").status_code == status


def dates_in(html: str) -> list[str]:
    timeline = html.split('class="timeline"')[1]
    return [part.split('"')[0] for part in timeline.split('<time datetime="')[1:]]
