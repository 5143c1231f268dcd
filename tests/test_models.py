"""The database itself refuses records that would make the figures wrong."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from deployments.models import (
    MAX_TROOPS,
    Deployment,
    Intention,
    Nation,
    Precision,
    Source,
    Stance,
    Standing,
    TroopCount,
    format_troops,
    validate_text,
)
from tests.factories import (
    IntentionFactory,
    NationFactory,
    SourceFactory,
    TroopCountFactory,
)

pytestmark = pytest.mark.django_db


def assert_refused_by_database(model: type, **fields: object) -> None:
    """Insert straight into the table, skipping all Python validation."""
    before = model.objects.count()
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.bulk_create([model(**fields)])
    assert model.objects.count() == before


@pytest.fixture
def usa() -> Nation:
    return NationFactory(code="USA", name="United States")


@pytest.fixture
def iraq() -> Nation:
    return NationFactory(code="IRQ", name="Iraq")


def count_fields(usa: Nation, iraq: Nation, **overrides: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "nation": usa,
        "host": iraq,
        "troops": 5200,
        "precision": Precision.APPROXIMATE,
        "counted_on": datetime.date(2020, 1, 8),
        "source": SourceFactory(),
        "excerpt": "approximately US 5,200 troops in Iraq",
    }
    return fields | overrides


def intention_fields(
    usa: Nation, iraq: Nation, **overrides: object
) -> dict[str, object]:
    fields: dict[str, object] = {
        "nation": usa,
        "host": iraq,
        "stance": Stance.STAYING,
        "speaker": "Mark Esper",
        "reported_on": datetime.date(2020, 1, 8),
        "quote": "We are not leaving Iraq.",
        "source": SourceFactory(),
        "standing": Standing.ASSERTED,
    }
    return fields | overrides


class TestNationConstraints:
    def test_lower_case_code_is_refused(self) -> None:
        assert_refused_by_database(Nation, code="usa", name="United States")

    def test_duplicate_code_is_refused(self, usa: Nation) -> None:
        assert_refused_by_database(Nation, code="USA", name="Another")

    def test_code_with_a_trailing_newline_is_refused(self) -> None:
        assert_refused_by_database(Nation, code="GBR\n", name="United Kingdom")
        errors = field_errors(Nation(code="GBR\n", name="United Kingdom"))
        assert "ISO 3166-1 alpha-3" in errors["code"][0]

    def test_unknown_kind_is_refused(self) -> None:
        assert_refused_by_database(Nation, code="XYZ", name="X", kind="empire")

    def test_natural_key_is_the_code(self, usa: Nation) -> None:
        assert usa.natural_key() == ("USA",)
        assert Nation.objects.get_by_natural_key("USA") == usa


class TestTroopCountConstraints:
    def test_negative_troops_are_refused(self, usa: Nation, iraq: Nation) -> None:
        assert_refused_by_database(TroopCount, **count_fields(usa, iraq, troops=-1))

    def test_absurd_troops_are_refused(self, usa: Nation, iraq: Nation) -> None:
        assert_refused_by_database(
            TroopCount, **count_fields(usa, iraq, troops=MAX_TROOPS + 1)
        )

    def test_unknown_precision_value_is_refused(
        self, usa: Nation, iraq: Nation
    ) -> None:
        assert_refused_by_database(
            TroopCount, **count_fields(usa, iraq, precision="roughly")
        )

    def test_a_number_cannot_be_of_unknown_precision(
        self, usa: Nation, iraq: Nation
    ) -> None:
        assert_refused_by_database(
            TroopCount, **count_fields(usa, iraq, precision=Precision.UNKNOWN)
        )

    def test_a_missing_number_must_be_of_unknown_precision(
        self, usa: Nation, iraq: Nation
    ) -> None:
        assert_refused_by_database(TroopCount, **count_fields(usa, iraq, troops=None))

    def test_missing_number_with_unknown_precision_is_accepted(
        self, usa: Nation, iraq: Nation
    ) -> None:
        TroopCount.objects.create(
            **count_fields(usa, iraq, troops=None, precision=Precision.UNKNOWN)
        )
        assert TroopCount.objects.get().display_troops == "unknown"

    def test_nation_cannot_host_itself(self, usa: Nation, iraq: Nation) -> None:
        assert_refused_by_database(TroopCount, **count_fields(usa, iraq, host=usa))

    def test_blank_excerpt_is_refused(self, usa: Nation, iraq: Nation) -> None:
        assert_refused_by_database(TroopCount, **count_fields(usa, iraq, excerpt=""))

    def test_same_figure_from_same_source_twice_is_refused(
        self, usa: Nation, iraq: Nation
    ) -> None:
        fields = count_fields(usa, iraq)
        TroopCount.objects.create(**fields)
        assert_refused_by_database(TroopCount, **fields | {"troops": 5300})

    def test_future_date_fails_validation(self, usa: Nation, iraq: Nation) -> None:
        tomorrow = timezone.localdate() + datetime.timedelta(days=1)
        count = TroopCount(**count_fields(usa, iraq, counted_on=tomorrow))
        with pytest.raises(ValidationError) as error:
            count.full_clean()
        assert "counted_on" in error.value.message_dict

    def test_validation_explains_precision_mismatch(
        self, usa: Nation, iraq: Nation
    ) -> None:
        count = TroopCount(**count_fields(usa, iraq, troops=None))
        with pytest.raises(ValidationError) as error:
            count.full_clean()
        assert "precision" in error.value.message_dict


class TestIntentionConstraints:
    def test_unknown_stance_is_refused(self, usa: Nation, iraq: Nation) -> None:
        assert_refused_by_database(
            Intention, **intention_fields(usa, iraq, stance="fleeing")
        )

    def test_unknown_standing_is_refused(self, usa: Nation, iraq: Nation) -> None:
        assert_refused_by_database(
            Intention, **intention_fields(usa, iraq, standing="rumoured")
        )

    def test_negative_affected_troops_are_refused(
        self, usa: Nation, iraq: Nation
    ) -> None:
        assert_refused_by_database(
            Intention, **intention_fields(usa, iraq, troops_affected=-5)
        )

    def test_destination_equal_to_host_is_refused(
        self, usa: Nation, iraq: Nation
    ) -> None:
        assert_refused_by_database(
            Intention, **intention_fields(usa, iraq, destination=iraq)
        )

    def test_statement_cannot_be_made_after_it_was_reported(
        self, usa: Nation, iraq: Nation
    ) -> None:
        assert_refused_by_database(
            Intention,
            **intention_fields(usa, iraq, stated_on=datetime.date(2020, 1, 9)),
        )

    def test_blank_quote_is_refused(self, usa: Nation, iraq: Nation) -> None:
        assert_refused_by_database(Intention, **intention_fields(usa, iraq, quote=""))

    def test_same_quote_from_same_source_twice_is_refused(
        self, usa: Nation, iraq: Nation
    ) -> None:
        fields = intention_fields(usa, iraq)
        Intention.objects.create(**fields)
        assert_refused_by_database(Intention, **fields | {"speaker": "Someone"})

    def test_validation_names_the_destination(self, usa: Nation, iraq: Nation) -> None:
        intention = Intention(**intention_fields(usa, iraq, destination=iraq))
        with pytest.raises(ValidationError) as error:
            intention.full_clean()
        assert "destination" in error.value.message_dict

    def test_asserted_excludes_disputed_and_retracted(self) -> None:
        asserted = IntentionFactory()
        IntentionFactory(standing=Standing.DISPUTED)
        IntentionFactory(standing=Standing.RETRACTED)
        assert list(Intention.objects.asserted()) == [asserted]


class TestDisplay:
    @pytest.mark.parametrize(
        ("troops", "precision", "shown"),
        [
            (5200, Precision.APPROXIMATE, "~5,200"),
            (500, Precision.ESTIMATED, "est. 500"),
            (1000, Precision.EXACT, "1,000"),
            (None, Precision.UNKNOWN, "unknown"),
        ],
    )
    def test_figures_read_as_people_write_them(
        self, troops: int | None, precision: str, shown: str
    ) -> None:
        assert format_troops(troops, precision) == shown

    def test_every_model_names_itself(self) -> None:
        count = TroopCountFactory(
            nation__code="CAN", troops=500, precision=Precision.ESTIMATED
        )
        intention = IntentionFactory(nation=count.nation, stance=Stance.WITHDRAWING)
        assert str(count) == "CAN in IRQ: est. 500 (2020-01-08)"
        assert "Withdrawing" in str(intention)
        assert str(count.nation) == "Nation CAN (CAN)"
        assert "Test Wire" in str(count.source)


def test_edits_are_kept_in_history() -> None:
    count = TroopCountFactory(troops=500, precision=Precision.ESTIMATED)
    count.troops = 450
    count.save()
    assert [entry.troops for entry in count.history.all()] == [450, 500]


def test_hosts_are_nations_named_as_host_by_a_count_or_a_statement() -> None:
    counted = TroopCountFactory(host__code="IRQ").host
    stated = IntentionFactory(host=NationFactory(code="KWT", name="Kuwait")).host
    emptied = IntentionFactory(host=NationFactory(code="JOR", name="Jordan"))
    emptied.delete()  # its deployment stays, with nothing about it
    NationFactory(code="FRA", name="France")  # hosts nothing
    hosts = Deployment.objects.with_records().hosts()
    assert set(hosts.values_list("code", flat=True)) == {counted.code, stated.code}


FACTORIES = {
    Nation: NationFactory,
    Source: SourceFactory,
    TroopCount: TroopCountFactory,
    Intention: IntentionFactory,
}


def fields_of_kind(
    kind: type[models.Field] | tuple[type[models.Field], ...],
) -> list[tuple[type, str]]:
    return [
        (model, field.name)
        for model in FACTORIES
        for field in model._meta.concrete_fields
        if isinstance(field, kind) and not field.choices
    ]


# Every text a person types (choices are fixed values, checked already).
FREE_TEXT_FIELDS = fields_of_kind((models.CharField, models.TextField))
DATE_FIELDS = fields_of_kind(models.DateField)


def field_errors(record: models.Model) -> dict[str, list[str]]:
    try:
        record.full_clean()
    except ValidationError as error:
        return error.message_dict
    return {}


class TestText:
    @pytest.mark.parametrize(
        "text",
        [
            "First line.\nSecond line.",
            "First line.\r\nSecond line.",  # a browser's text box
            "Column\tcolumn",
            "Ελληνικά, العربية, 中文, naïve — “quoted”, 👍",
            "zero\u200bwidth inside real text",
            "\u200fمرحبا",  # a right-to-left mark before text
        ],
        ids=repr,
    )
    def test_text_may_hold_tab_line_breaks_and_any_script(self, text: str) -> None:
        validate_text(text)

    @pytest.mark.parametrize(
        ("text", "named"),
        [
            ("nul\x00", "U+0000"),
            ("start\x01", "U+0001"),
            ("bell\x07", "U+0007"),
            ("\x1b[31mred", "U+001B"),
            ("delete\x7f", "U+007F"),
            ("next line\x85", "U+0085"),
            ("C1\x9f", "U+009F"),
            ("a lone\rcarriage return", "U+000D"),
            ("surrogate \ud800", "U+D800"),
            ("non-character \uffff", "U+FFFF"),
        ],
        ids=repr,
    )
    def test_other_control_characters_are_refused_by_name(
        self, text: str, named: str
    ) -> None:
        with pytest.raises(ValidationError) as error:
            validate_text(text)
        assert error.value.code == "control_character"
        assert named in error.value.messages[0]

    @pytest.mark.parametrize(
        "text",
        ["\u200b", "\u200c\u200d", "\ufeff", "\u2060", " \u200b ", "\t \n"],
        ids=repr,
    )
    def test_text_that_shows_nothing_is_refused(self, text: str) -> None:
        with pytest.raises(ValidationError) as error:
            validate_text(text)
        assert error.value.code == "invisible_text"

    def test_every_record_has_its_text_fields_checked(self) -> None:
        assert {name for _, name in FREE_TEXT_FIELDS} >= {
            "name", "publisher", "url", "agency", "text", "excerpt", "quote",
            "speaker", "location", "standing_note",
        }  # fmt: skip
        assert len(FREE_TEXT_FIELDS) == 17

    @pytest.mark.parametrize(("model", "name"), FREE_TEXT_FIELDS, ids=str)
    def test_every_text_field_refuses_a_control_character(
        self, model: type, name: str
    ) -> None:
        record = FACTORIES[model]()
        value = "https://example.com/a\x07b" if name == "url" else "AB\x07C"
        setattr(record, name, value)
        assert "U+0007" in " ".join(field_errors(record).get(name, []))

    @pytest.mark.parametrize(("model", "name"), FREE_TEXT_FIELDS, ids=str)
    def test_every_text_field_refuses_zero_width_only_text(
        self, model: type, name: str
    ) -> None:
        record = FACTORIES[model]()
        setattr(record, name, "\u200b\u200d")
        assert field_errors(record).get(name)


class TestEarliestDate:
    def test_every_date_field_is_covered(self) -> None:
        assert len(DATE_FIELDS) == 6

    @pytest.mark.parametrize(("model", "name"), DATE_FIELDS, ids=str)
    @pytest.mark.parametrize(
        "day", [datetime.date(1, 1, 1), datetime.date(1899, 12, 31)], ids=str
    )
    def test_dates_before_1900_are_refused(
        self, model: type, name: str, day: datetime.date
    ) -> None:
        record = FACTORIES[model]()
        setattr(record, name, day)
        if name == "reported_on":  # a statement is made before it is reported
            record.stated_on = day
        assert field_errors(record)[name] == [
            f"{day} is before 1900-01-01, the earliest date the tracker takes."
        ]

    @pytest.mark.parametrize(("model", "name"), DATE_FIELDS, ids=str)
    def test_1900_01_01_is_accepted(self, model: type, name: str) -> None:
        record = FACTORIES[model]()
        setattr(record, name, datetime.date(1900, 1, 1))
        if name == "reported_on":
            record.stated_on = None
        assert field_errors(record) == {}
