"""The admin's forms for article intake: entering an article, reviewing its
proposals row by row, and making a record of a sentence the extractor missed.
The rules are the models' own; these forms only read what the analyst typed."""

from __future__ import annotations

from typing import Any

from django import forms

from deployments.intake.articles import ArticleRefused
from deployments.intake.upload import text_of_upload
from deployments.models import Precision, Proposal, Source, Stance
from deployments.models.base import MAX_ARTICLE_CHARS, MAX_TROOPS
from deployments.models.proposal import EDITABLE_FIELDS


class ArticleForm(forms.ModelForm):
    """A source with its text, pasted or uploaded (``.txt`` or ``.html``)."""

    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 18, "cols": 90}),
        required=False,
        strip=False,
        help_text="Paste the article's text, or upload it below.",
    )
    file = forms.FileField(
        required=False,
        help_text="A .txt or .html file (from HTML only the article's main text "
        f"is kept). At most {MAX_ARTICLE_CHARS:,} characters of text.",
    )

    class Meta:
        model = Source
        fields = ["title", "publisher", "published_on", "url", "agency"]
        # A bare "example.com" means https, as in the sources' own form.
        formfield_callback = staticmethod(
            lambda field, **kwargs: field.formfield(
                **kwargs,
                **({"assume_scheme": "https"} if field.name == "url" else {}),
            )
        )

    def validate_unique(self) -> None:
        # An article entered before is answered by the intake, which also
        # says where the existing source is.
        pass

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        upload = cleaned.get("file")
        pasted = cleaned.get("text") or ""
        if upload and pasted.strip():
            raise forms.ValidationError("Paste the text or upload a file, not both.")
        if upload:
            try:
                cleaned["text"] = text_of_upload(upload.name, upload.read())
            except ArticleRefused as refused:
                self.add_error("file", str(refused))
        return cleaned


def _number() -> forms.IntegerField:
    return forms.IntegerField(
        min_value=0,
        max_value=MAX_TROOPS,
        required=False,
        widget=forms.NumberInput(attrs={"class": "vIntegerField"}),
    )


def _code() -> forms.CharField:
    return forms.CharField(
        max_length=8, required=False, widget=forms.TextInput(attrs={"size": 5})
    )


class ProposalFieldsForm(forms.Form):
    """The fields of a proposal a reviewer may correct, nations by code."""

    nation = _code()
    host = _code()
    troops = _number()
    troops_low = _number()
    troops_high = _number()
    precision = forms.ChoiceField(choices=Precision.choices)
    figure_text = forms.CharField(max_length=100, required=False)
    stance = forms.ChoiceField(choices=[("", "—"), *Stance.choices], required=False)
    temporary = forms.BooleanField(required=False)
    troops_affected = _number()
    destination = _code()
    target_troops = _number()
    location = forms.CharField(max_length=200, required=False)
    speaker = forms.CharField(max_length=200, required=False)
    speaker_role = forms.CharField(max_length=200, required=False)
    stated_on = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    quote = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}), max_length=2000
    )

    def changes(self) -> dict[str, Any]:
        """The values to accept the proposal with."""
        return {
            name: self.cleaned_data[name]
            for name in EDITABLE_FIELDS
            if name in self.cleaned_data
        }


class ProposalReviewForm(ProposalFieldsForm):
    """One row of the review screen: the proposal's fields and the decision."""

    KEEP, ACCEPT, REJECT = "keep", "accept", "reject"

    proposal = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        choices=[(KEEP, "Decide later"), (ACCEPT, "Accept"), (REJECT, "Reject")],
        initial=KEEP,
        widget=forms.RadioSelect,
    )
    because = forms.CharField(
        max_length=500,
        required=False,
        label="Reason to reject",
        widget=forms.TextInput(attrs={"size": 30}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if (
            cleaned.get("decision") == self.REJECT
            and not (cleaned.get("because") or "").strip()
        ):
            self.add_error("because", "Say why it is rejected.")
        return cleaned

    @classmethod
    def initial_for(cls, proposal: Proposal) -> dict[str, Any]:
        return {**proposal.values(), "proposal": proposal.pk, "decision": cls.KEEP}


# What each kind of proposal shows for editing; the other fields go along
# hidden, as the extractor left them.
SHOWN_FIELDS = {
    Proposal.Kind.TROOP_COUNT: [
        "nation",
        "host",
        "troops",
        "troops_low",
        "troops_high",
        "precision",
        "figure_text",
        "location",
        "stated_on",
        "quote",
    ],
    Proposal.Kind.INTENTION: [
        "nation",
        "host",
        "stance",
        "temporary",
        "troops_affected",
        "troops_low",
        "troops_high",
        "destination",
        "target_troops",
        "location",
        "speaker",
        "speaker_role",
        "stated_on",
        "quote",
    ],
}


def split_fields(form: ProposalReviewForm, kind: str) -> tuple[list, list]:
    """The row's editable fields for its kind, and the rest (hidden)."""
    shown = SHOWN_FIELDS[kind]
    rest = [
        name
        for name in ProposalFieldsForm.base_fields
        if name not in shown and name in form.fields
    ]
    return [form[name] for name in shown], [form[name] for name in rest]


ProposalReviewFormSet = forms.formset_factory(ProposalReviewForm, extra=0)


class MissedRecordForm(ProposalFieldsForm):
    """A record of a sentence the extractor missed: the analyst pastes the
    sentence (it must be the article's own words) and fills the fields."""

    kind = forms.ChoiceField(choices=Proposal.Kind.choices)
    precision = forms.ChoiceField(choices=Precision.choices, initial=Precision.UNKNOWN)

    field_order = ["kind", "quote", "nation", "host"]
