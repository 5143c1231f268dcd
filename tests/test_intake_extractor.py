"""The extractor reads troop counts and stated intentions from sentences.

Every sentence here is written for the test; the copyrighted development set
is only read from ../shared/intake, by the scoring test at the end.
"""

from __future__ import annotations

import datetime
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from deployments.intake.extractor import EXTRACTOR_VERSION, ProposedRecord, propose
from deployments.intake.sentences import article_sentences

PUBLISHED = datetime.date(2024, 3, 6)  # a Wednesday
DEV_SET = Path(settings.BASE_DIR).parent / "shared" / "intake"


def counts(text: str) -> list[ProposedRecord]:
    return [p for p in propose(text, PUBLISHED) if p.kind == "troop_count"]


def statements(text: str) -> list[ProposedRecord]:
    return [p for p in propose(text, PUBLISHED) if p.kind == "intention"]


def only(records: list[ProposedRecord]) -> ProposedRecord:
    assert len(records) == 1, records
    return records[0]


# --- sentences -----------------------------------------------------------


def test_abbreviations_do_not_end_sentences() -> None:
    text = (
        "The U.S. Army keeps 200 soldiers at Fort Bragg, N.C. and more abroad. "
        "Officials met on Oct. 3 to discuss it."
    )
    sentences = article_sentences(text)
    assert [s.text[:12] for s in sentences] == ["The U.S. Arm", "Officials me"]


def test_every_quote_is_where_its_offsets_say() -> None:
    text = (
        "Headline without a full stop\n\n"
        "Norway has 60 soldiers in Latvia. They will stay there, officials said.\n"
        "READ ALSO: Another story about troops.\n"
        "Spain will send 150 more troops to Latvia next month."
    )
    proposals = propose(text, PUBLISHED)
    assert proposals
    for proposal in proposals:
        assert text[proposal.start : proposal.end] == proposal.quote
        assert proposal.extractor == EXTRACTOR_VERSION


def test_headlines_captions_and_page_furniture_are_not_read() -> None:
    text = (
        "Sweden pulls troops out of Mali\n"
        "Swedish soldiers at a base (photo: the army)\n"
        "READ ALSO: Sweden will withdraw its 250 troops from Mali.\n"
    )
    assert propose(text, PUBLISHED) == []


# --- nations ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "nation"),
    [
        ("Canada's 500 troops in Latvia will stay.", "CAN"),
        ("About 300 Italian soldiers are in Lebanon.", "ITA"),
        ("The U.S. has 900 troops in Syria.", "USA"),
        ("The US has 900 troops in Syria.", "USA"),
        ("There are 900 American troops in Syria.", "USA"),
        ("Some 120 Dutch soldiers are stationed in Lithuania.", "NLD"),
        ("There are 650 British troops in Estonia.", "GBR"),
        ("NATO keeps 4,000 troops in Kosovo's neighbour Serbia.", "NATO"),
    ],
)
def test_nations_are_read_from_names_possessives_and_demonyms(
    sentence: str, nation: str
) -> None:
    assert only(counts(sentence)).nation == nation


def test_the_coalition_is_not_a_nation() -> None:
    assert propose("The coalition has 5,000 troops in Iraq.", PUBLISHED) == []


def test_two_nations_in_one_sentence_each_get_their_statement() -> None:
    found = statements("Belgium and Portugal will withdraw their troops from Mali.")
    assert {(p.nation, p.host, p.stance) for p in found} == {
        ("BEL", "MLI", "withdrawing"),
        ("PRT", "MLI", "withdrawing"),
    }


def test_a_nation_the_tracker_does_not_hold_is_proposed_all_the_same() -> None:
    assert only(counts("Fiji has 170 peacekeepers in Lebanon.")).nation == "FJI"


# --- figures ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "troops", "low", "high", "precision"),
    [
        ("Norway has 60 soldiers in Latvia.", 60, None, None, "exact"),
        ("Norway has 5,200 soldiers in Latvia.", 5200, None, None, "exact"),
        ("Norway has about 60 soldiers in Latvia.", 60, None, None, "approximate"),
        ("Norway has some 60 soldiers in Latvia.", 60, None, None, "approximate"),
        ("Norway has roughly 60 soldiers in Latvia.", 60, None, None, "approximate"),
        ("Norway has an estimated 60 soldiers in Latvia.", 60, None, None, "estimated"),
        ("Norway has over 900 soldiers in Latvia.", 900, 900, None, "approximate"),
        ("Norway has more than 900 soldiers in Latvia.", 900, 900, None, "approximate"),
        (
            "Norway has nearly 12,000 soldiers in Latvia.",
            12000,
            None,
            12000,
            "approximate",
        ),
        (
            "Norway has up to 12,000 soldiers in Latvia.",
            12000,
            None,
            12000,
            "approximate",
        ),
        (
            "Norway has almost 12,000 soldiers in Latvia.",
            12000,
            None,
            12000,
            "approximate",
        ),
        ("Norway has 30 to 40 soldiers in Latvia.", None, 30, 40, "approximate"),
        (
            "Norway has 2,500 to 3,000 soldiers in Latvia.",
            None,
            2500,
            3000,
            "approximate",
        ),
        (
            "Norway has between 30 and 40 soldiers in Latvia.",
            None,
            30,
            40,
            "approximate",
        ),
        ("Norway has six soldiers in Latvia.", 6, None, None, "exact"),
        ("Norway has a dozen soldiers in Latvia.", 12, None, None, "exact"),
        (
            "Norway has two thousand five hundred soldiers in Latvia.",
            2500,
            None,
            None,
            "exact",
        ),
        ("Norway has twenty-five instructors in Latvia.", 25, None, None, "exact"),
        ("Norway has hundreds of soldiers in Latvia.", None, 200, None, "approximate"),
        ("Norway keeps a 400-strong force in Latvia.", 400, None, None, "exact"),
    ],
)
def test_figures_in_digits_and_words_with_their_hedges_and_bounds(
    sentence: str, troops: int | None, low: int | None, high: int | None, precision: str
) -> None:
    count = only(counts(sentence))
    assert (count.troops, count.troops_low, count.troops_high, count.precision) == (
        troops,
        low,
        high,
        precision,
    )
    assert count.host == "LVA"


@pytest.mark.parametrize(
    "sentence",
    [
        "Three Norwegian soldiers were killed in Latvia.",
        "The attack wounded 11 American troops in Iraq.",
        "Some 40 US service members suffered brain injuries in Iraq.",
        "Norway sent 200 missiles to Latvia.",
        "Norway will spend $500 million on its troops in Latvia.",
        "Norway has kept troops in Latvia since 2017.",
        "About 20 percent of Norwegian troops in Latvia are women.",
        "A 25-year-old Norwegian soldier in Latvia said so.",
        "More than 50 people died in Latvia on 12 March.",
    ],
)
def test_numbers_that_are_not_troops_do_not_become_counts(sentence: str) -> None:
    assert counts(sentence) == []


def test_part_of_a_total_is_the_statement_and_the_total_the_count() -> None:
    text = "Around 100 of the 130 Danish troops in Iraq will move to Kuwait."
    count = only(counts(text))
    statement = only(statements(text))
    assert (count.nation, count.host, count.troops) == ("DNK", "IRQ", 130)
    assert (statement.troops, statement.precision) == (100, "approximate")
    assert (statement.stance, statement.destination) == ("partial_withdrawal", "KWT")


# --- stances ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "stance"),
    [
        ("Spain said its troops will stay in Iraq.", "staying"),
        ("Spain said its troops would remain in Iraq.", "staying"),
        ("Spain has no intention of withdrawing its troops from Iraq.", "staying"),
        ("Spain will not withdraw its soldiers from Iraq.", "staying"),
        ("Spain said: we are not leaving Iraq.", "staying"),
        ("Spain will withdraw its troops from Iraq.", "withdrawing"),
        ("Spain will pull out its soldiers from Iraq.", "withdrawing"),
        ("Spain will bring home its soldiers from Iraq.", "withdrawing"),
        ("Spain will withdraw some of its troops from Iraq.", "partial_withdrawal"),
        (
            "Spain will withdraw a majority of its troops from Iraq.",
            "partial_withdrawal",
        ),
        ("Spain will reduce its troops in Iraq.", "partial_withdrawal"),
        ("Spain will reposition its troops in Iraq.", "repositioning"),
        ("Spain will relocate its soldiers within Iraq.", "repositioning"),
        ("Spain will send additional troops to Iraq.", "reinforcing"),
        ("Spain will deploy 200 more soldiers to Iraq.", "reinforcing"),
        ("Spain is considering the future of its troops in Iraq.", "undecided"),
    ],
)
def test_stance_cues(sentence: str, stance: str) -> None:
    statement = only(statements(sentence))
    assert (statement.nation, statement.host, statement.stance) == (
        "ESP",
        "IRQ",
        stance,
    )


def test_moving_part_of_the_troops_to_another_country_is_a_partial_withdrawal() -> None:
    statement = only(
        statements("Spain will move some of its troops in Iraq to Jordan.")
    )
    assert (statement.stance, statement.destination) == ("partial_withdrawal", "JOR")


def test_moving_all_troops_is_repositioning() -> None:
    statement = only(statements("Spain will move its troops in Iraq to Jordan."))
    assert (statement.stance, statement.destination) == ("repositioning", "JOR")


@pytest.mark.parametrize(
    "sentence",
    [
        "If the attacks go on, Spain will withdraw its troops from Iraq.",
        "Spain would leave Iraq only if asked, officials said, unless told otherwise.",
        "Lawmakers want Spain to withdraw its troops from Iraq.",
        "Parliament called for the withdrawal of Spanish troops from Iraq.",
    ],
)
def test_conditions_and_wishes_are_not_intentions(sentence: str) -> None:
    assert [p for p in statements(sentence) if p.stance == "withdrawing"] == []


def test_temporary_moves_are_marked() -> None:
    statement = only(
        statements("Spain will temporarily move its troops in Iraq to Kuwait.")
    )
    assert statement.temporary is True
    lasting = only(statements("Spain will move its troops in Iraq to Kuwait."))
    assert lasting.temporary is False


def test_two_moves_in_one_sentence_are_two_statements() -> None:
    found = statements("Spain will move 32 troops from Iraq to Jordan and 3 to Kuwait.")
    assert [(p.troops, p.destination, p.host) for p in found] == [
        (32, "JOR", "IRQ"),
        (3, "KWT", "IRQ"),
    ]


def test_the_planned_level_after_a_move_is_the_target() -> None:
    statement = only(
        statements("Spain will cut its force in Mali down to 2,400 troops.")
    )
    assert (statement.stance, statement.target_troops) == ("partial_withdrawal", 2400)
    assert counts("Spain will cut its force in Mali down to 2,400 troops.") == []


# --- hosts -----------------------------------------------------------------


def test_host_from_the_sentence() -> None:
    count = only(counts("Austria has 180 soldiers stationed in Lebanon."))
    assert (count.host, count.host_from) == ("LBN", "sentence")


def test_host_from_the_article_when_the_sentence_does_not_say() -> None:
    text = (
        "Austria has 180 soldiers in Lebanon. Ireland has 340 troops in Lebanon. "
        "Finland has 200 soldiers there as well."
    )
    finland = [p for p in counts(text) if p.nation == "FIN"]
    assert (only(finland).host, only(finland).host_from) == ("LBN", "context")


def test_an_unknown_host_is_left_empty() -> None:
    count = only(counts("Austria has 180 soldiers abroad."))
    assert (count.host, count.host_from) == ("", "")


def test_troops_of_the_host_itself_are_not_a_deployment() -> None:
    assert counts("Iraq has 5,000 Iraqi soldiers in Iraq.") == []


# --- attribution, dates and places ----------------------------------------


def test_speaker_and_role() -> None:
    statement = only(
        statements(
            "Defence Minister Anna Berg said Sweden will keep its troops in Mali."
        )
    )
    assert (statement.speaker, statement.speaker_role) == (
        "Anna Berg",
        "Defence Minister",
    )


def test_a_speaker_named_alone_later_keeps_their_nation() -> None:
    text = (
        "Swedish Defence Minister Anna Berg said the troops in Mali will stay. "
        '"We will move those forces to Niger," Berg said.'
    )
    later = statements(text)[-1]
    assert (later.nation, later.stance, later.destination) == (
        "SWE",
        "repositioning",
        "NER",
    )


@pytest.mark.parametrize(
    ("words", "stated_on"),
    [
        ("yesterday afternoon", datetime.date(2024, 3, 5)),
        ("last week", datetime.date(2024, 2, 28)),
        ("on Monday", datetime.date(2024, 3, 4)),
        # A bare weekday is the latest such day on or before publication.
        ("on Wednesday", datetime.date(2024, 3, 6)),
        ("on Thursday", datetime.date(2024, 2, 29)),
        ("on Feb. 12", datetime.date(2024, 2, 12)),
    ],
)
def test_relative_dates_are_read_from_the_publication_date(
    words: str, stated_on: datetime.date
) -> None:
    statement = only(
        statements(f"Sweden said {words} that its troops will stay in Mali.")
    )
    assert statement.stated_on == stated_on


def test_no_date_said_is_none() -> None:
    assert (
        only(statements("Sweden said its troops will stay in Mali.")).stated_on is None
    )


@pytest.mark.parametrize(
    ("sentence", "location"),
    [
        ("Norway has 60 soldiers at the Taji base in Iraq.", "Taji"),
        ("Norway has 60 soldiers at Ain al-Asad air base in Iraq.", "Ain al-Asad"),
        ("Norway has 60 soldiers at Camp Adazi in Latvia.", "Camp Adazi"),
    ],
)
def test_bases_are_the_location(sentence: str, location: str) -> None:
    assert only(counts(sentence)).location == location


def test_as_json_has_every_field_with_nulls_for_nothing_said() -> None:
    record = only(counts("Norway has 60 soldiers in Latvia."))
    values = record.as_json()
    assert values["stance"] is None and values["destination"] is None
    assert values["stated_on"] is None
    assert set(values) >= {"kind", "nation", "host", "troops", "quote", "start", "end"}


# --- speed and the development set ----------------------------------------


def test_a_thousand_word_article_takes_well_under_a_second() -> None:
    paragraph = (
        "Norway has about 60 soldiers in Latvia, officials said on Monday. "
        "Spain will withdraw some of its 300 troops from Iraq to Kuwait. "
        "The weather was mild and markets rose by 2 percent in 2023. "
    )
    text = "\n".join([paragraph] * 30)  # about 1,000 words
    propose(text, PUBLISHED)  # data loaded once
    began = time.perf_counter()
    propose(text, PUBLISHED)
    assert time.perf_counter() - began < 0.5


@pytest.mark.skipif(
    not DEV_SET.is_dir(), reason=f"the development set is not at {DEV_SET}"
)
def test_the_development_set_scores_above_the_targets(capsys) -> None:
    call_command(
        "evaluate_intake",
        str(DEV_SET),
        "--min-recall",
        "0.9",
        "--min-precision",
        "0.85",
        "--min-field-accuracy",
        "0.9",
    )
    assert "overall: recall" in capsys.readouterr().out


def test_each_figure_has_the_place_named_after_it() -> None:
    found = counts("The US has roughly 900 troops in Syria and 2,500 in Iraq.")
    assert [(p.troops, p.host) for p in found] == [(900, "SYR"), (2500, "IRQ")]


def test_a_country_that_hosts_troops_is_the_host() -> None:
    count = only(counts("Lithuania hosts a NATO battlegroup of about 1,200 soldiers."))
    assert (count.nation, count.host) == ("NATO", "LTU")


def test_troops_a_nation_has_are_counted_though_it_states_a_move() -> None:
    text = "Sweden, which has 70 soldiers in Iraq, said they would return home."
    assert only(counts(text)).troops == 70
    assert only(statements(text)).stance == "withdrawing"


def test_a_region_is_no_host_and_the_article_does_not_fill_it() -> None:
    text = "Norway has 60 soldiers in Iraq. France has 5,100 soldiers in the Sahel."
    france = [p for p in counts(text) if p.nation == "FRA"]
    assert (only(france).host, only(france).host_from) == ("", "")


def test_a_deadline_is_not_when_it_was_said() -> None:
    statement = only(
        statements(
            "Sweden said on Monday it will withdraw its troops from Mali by May 1."
        )
    )
    assert statement.stated_on == datetime.date(2024, 3, 4)


def test_a_level_after_a_cut_without_a_noun_is_the_target() -> None:
    statement = only(
        statements("The 500 Spanish soldiers in Iraq would be reduced to 300.")
    )
    assert (statement.stance, statement.target_troops) == ("partial_withdrawal", 300)


def test_troops_that_remain_somewhere_are_a_count_not_an_intention() -> None:
    text = "About 2,500 American troops remain in Afghanistan."
    assert only(counts(text)).troops == 2500
    assert statements(text) == []


@pytest.mark.parametrize(
    "sentence",
    [
        "The US withdrew its troops from Iraq in 2011.",
        "Russia accused Poland of planning to send troops to Belarus.",
        "Officials fear Spain will pull its troops out of Mali.",
    ],
)
def test_history_accusations_and_fears_are_not_intentions(sentence: str) -> None:
    assert statements(sentence) == []


def test_troops_leaving_alongside_anothers_are_one_statement() -> None:
    found = statements(
        "The UK's 750 troops in Afghanistan will leave alongside US forces."
    )
    assert [(p.nation, p.stance) for p in found] == [("GBR", "withdrawing")]


def test_a_country_hosting_troops_is_their_host_whatever_the_adverb() -> None:
    count = only(counts("Germany currently hosts about 35,000 US troops."))
    assert (count.nation, count.host, count.troops) == ("USA", "DEU", 35000)


def test_a_local_report_that_never_names_its_nation_again_keeps_it() -> None:
    text = (
        "About 3,500 paratroopers from the 82nd Airborne are deploying to Kuwait, "
        "the Army said.\n"
        "They join some 750 US soldiers who were sent to Kuwait last week.\n"
    )
    found = propose(text, PUBLISHED)
    assert {p.nation for p in found} == {"USA"}
    assert any(p.troops == 3500 and p.host == "KWT" for p in found)


def test_from_one_level_to_another_is_a_count_and_a_target() -> None:
    text = "Germany will reduce its contingent in Iraq from about 120 to 32 soldiers."
    assert only(counts(text)).troops == 120
    assert only(statements(text)).target_troops == 32


def test_a_figure_takes_the_nation_of_its_own_clause() -> None:
    text = (
        "Hungary's 200 troops in Iraq will stay, while Croatia keeps 14 soldiers there."
    )
    assert [(p.nation, p.troops) for p in counts(text)] == [("HUN", 200), ("HRV", 14)]


def test_an_extended_mission_is_staying() -> None:
    statement = only(
        statements("Canada's mission of 700 soldiers in Latvia will be extended.")
    )
    assert (statement.nation, statement.stance, statement.troops) == (
        "CAN",
        "staying",
        700,
    )


def test_troops_sent_to_a_nations_own_border_are_not_a_deployment() -> None:
    text = (
        "Norway has 60 soldiers in Latvia.\n"
        "Poland will send more troops to its eastern border.\n"
    )
    assert {p.nation for p in propose(text, PUBLISHED)} == {"NOR"}


def test_a_run_on_without_full_stops_is_not_read_and_costs_little() -> None:
    text = "Canada has 5 troops in Iraq " * 30_000 + "."
    began = time.perf_counter()
    assert propose(text, PUBLISHED) == []
    assert time.perf_counter() - began < 2


def test_a_coalition_led_by_a_nation_is_not_that_nation() -> None:
    assert counts("The US-led coalition has 5,000 troops in Iraq.") == []


def test_a_year_before_troops_is_not_a_figure() -> None:
    assert counts("Norway said that in 2020 troops were sent to Latvia.") == []


@pytest.mark.parametrize(
    "sentence",
    [
        "In 2003 the US sent 150,000 troops to Iraq.",
        "At its peak, the British force in Afghanistan numbered 9,500 soldiers.",
    ],
)
def test_figures_of_the_past_are_not_counts(sentence: str) -> None:
    assert counts(sentence) == []


def test_troops_there_since_a_year_are_counted() -> None:
    assert only(counts("Canada has had 500 troops in Iraq since 2014.")).troops == 500


def test_a_peak_beside_the_present_figure_leaves_that_one_counted() -> None:
    text = (
        "About 2,500 US troops remain in Afghanistan, down from a peak of "
        "100,000 troops."
    )
    assert [p.troops for p in counts(text)] == [2500]


def test_two_nations_with_two_intentions_in_one_sentence_are_read_apart() -> None:
    text = (
        "Hungary's 200 troops in Iraq will stay, while Croatia is considering "
        "the future of its 14 soldiers in Iraq."
    )
    found = statements(text)
    assert [(p.nation, p.stance) for p in found] == [
        ("HUN", "staying"),
        ("HRV", "undecided"),
    ]
    for proposal in propose(text, PUBLISHED):
        assert text[proposal.start : proposal.end] == proposal.quote
