"""Small builders for test data; tests say only what matters to them."""

from __future__ import annotations

import datetime

import factory

from deployments.models import (
    Intention,
    Nation,
    Precision,
    Source,
    Stance,
    Standing,
    TroopCount,
)

DAY_ONE = datetime.date(2020, 1, 8)


class NationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Nation
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"N{chr(65 + n // 26 % 26)}{chr(65 + n % 26)}")
    name = factory.LazyAttribute(lambda nation: f"Nation {nation.code}")
    kind = Nation.Kind.STATE


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    title = factory.Sequence(lambda n: f"Report number {n}")
    publisher = "Test Wire"
    published_on = DAY_ONE


class TroopCountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TroopCount

    nation = factory.SubFactory(NationFactory)
    host = factory.SubFactory(NationFactory, code="IRQ", name="Iraq")
    troops = 1000
    precision = Precision.APPROXIMATE
    figure_text = factory.LazyAttribute(lambda count: f"about {count.troops}")
    counted_on = DAY_ONE
    source = factory.SubFactory(SourceFactory)
    excerpt = factory.LazyAttribute(lambda count: f"some {count.troops} troops")


class IntentionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Intention

    nation = factory.SubFactory(NationFactory)
    host = factory.SubFactory(NationFactory, code="IRQ", name="Iraq")
    stance = Stance.STAYING
    speaker = "A spokesperson"
    reported_on = DAY_ONE
    quote = factory.Sequence(lambda n: f"We will do thing number {n}.")
    source = factory.SubFactory(SourceFactory)
    standing = Standing.ASSERTED


def reported_count(
    nation: Nation,
    troops: int,
    on: datetime.date,
    publisher: str,
    agency: str = "",
    precision: str = Precision.EXACT,
    low: int | None = None,
    high: int | None = None,
) -> TroopCount:
    """A count of ``nation``'s troops as one outlet (or wire agency) reported
    it on ``on``, each in a source of its own: the comparison rules' input."""
    return TroopCountFactory(
        nation=nation,
        troops=troops,
        troops_low=low,
        troops_high=high,
        precision=precision,
        counted_on=on,
        excerpt=f"{publisher} counts {troops} soldiers",
        source=SourceFactory(publisher=publisher, agency=agency, published_on=on),
    )
