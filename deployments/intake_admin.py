"""Article intake in the admin: "Add article" (a page of its own) and the
one-page review of an article's proposals, plus the proposals' own list.

The review page shows the text with each proposal's sentence highlighted and
each pending proposal as an editable row: accept (one by one or all), edit
then accept, reject with a reason, or paste a sentence the extractor missed
and make a record of it. Accepting goes through ``Proposal.accept``: the same
validation, versioning and history as any other write.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from deployments.intake.articles import ArticleRefused
from deployments.intake.forms import (
    ArticleForm,
    MissedRecordForm,
    ProposalReviewForm,
    ProposalReviewFormSet,
    split_fields,
)
from deployments.intake.intake import take_in_article
from deployments.intake.review import apply_decisions, segments
from deployments.models import Proposal, Source

RECORD_PERMISSION = {
    Proposal.Kind.TROOP_COUNT: "deployments.add_troopcount",
    Proposal.Kind.INTENTION: "deployments.add_intention",
}


def review_url(source: Source) -> str:
    return reverse("admin:deployments_source_review", args=[source.pk])


class ArticleIntakeMixin:
    """For the sources' admin: the "Add article" and review pages."""

    change_list_template = "admin/deployments/source/change_list.html"

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view  # type: ignore[attr-defined]
        return [
            path(
                "add-article/",
                view(self.add_article_view),
                name="deployments_source_add_article",
            ),
            path(
                "<int:object_id>/review/",
                view(self.review_view),
                name="deployments_source_review",
            ),
            *super().get_urls(),  # type: ignore[misc]
        ]

    def get_queryset(self, request: HttpRequest) -> Any:
        return (
            super()  # type: ignore[misc]
            .get_queryset(request)
            .annotate(
                pending_proposals=Count(
                    "proposals", filter=Q(proposals__state=Proposal.State.PENDING)
                )
            )
        )

    @admin.display(description="Proposals")
    def review_link(self, source: Source) -> str:
        pending = getattr(source, "pending_proposals", None)
        if not source.text:
            return "—"
        label = f"Review ({pending} pending)" if pending else "Review"
        return format_html('<a href="{}">{}</a>', review_url(source), label)

    def _context(self, request: HttpRequest, title: str, **extra: Any) -> dict:
        return {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "opts": Source._meta,
            "title": title,
            **extra,
        }

    def add_article_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):  # type: ignore[attr-defined]
            raise PermissionDenied
        form = ArticleForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            values = {
                name: form.cleaned_data[name]
                for name in ("title", "publisher", "published_on", "url", "agency")
            }
            try:
                source = take_in_article(text=form.cleaned_data["text"], **values)
            except ArticleRefused as refused:
                if refused.existing is not None:
                    form.add_error(
                        None,
                        format_html(
                            '{} <a href="{}">Review it</a>.',
                            str(refused),
                            review_url(refused.existing),
                        ),
                    )
                else:
                    field = refused.field if refused.field in form.fields else None
                    form.add_error(field, str(refused))
            else:
                found = source.proposals.count()
                messages.success(
                    request,
                    f"“{source.title}” was added with {found} proposal"
                    f"{'' if found == 1 else 's'} to review.",
                )
                return HttpResponseRedirect(review_url(source))
        return TemplateResponse(
            request,
            "admin/deployments/source/add_article.html",
            self._context(request, "Add article", form=form),
        )

    def review_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        if not request.user.has_perm("deployments.view_proposal"):
            raise PermissionDenied
        source = get_object_or_404(Source, pk=object_id)
        may_review = request.user.has_perm("deployments.change_proposal")
        edits: dict[int, dict[str, Any]] = {}
        errors: dict[int, list[str]] = {}
        missed = MissedRecordForm(prefix="missed")
        if request.method == "POST":
            if not may_review:
                raise PermissionDenied
            if "add_missed" in request.POST:
                missed, done = self._record_missed(request, source)
                if done:
                    return HttpResponseRedirect(review_url(source))
            else:
                edits, errors = self._decide(request, source)
                if not errors:
                    return HttpResponseRedirect(review_url(source))
        proposals = list(source.proposals.in_text_order())
        pending = [p for p in proposals if p.state == Proposal.State.PENDING]
        formset = ProposalReviewFormSet(
            prefix="p",
            initial=[
                edits.get(p.pk) or ProposalReviewForm.initial_for(p) for p in pending
            ],
        )
        return TemplateResponse(
            request,
            "admin/deployments/source/review.html",
            self._context(
                request,
                f"Review: {source.title}",
                source=source,
                segments=segments(source.text, proposals),
                rows=[
                    (
                        proposal,
                        form,
                        *split_fields(form, proposal.kind),
                        errors.get(proposal.pk, []),
                    )
                    for proposal, form in zip(pending, formset.forms, strict=True)
                ],
                formset=formset,
                reviewed=[p for p in proposals if p.state != Proposal.State.PENDING],
                missed=missed,
                may_review=may_review,
                figures=source.proposals.review_figures(),
            ),
        )

    def _decide(
        self, request: HttpRequest, source: Source
    ) -> tuple[dict[int, dict[str, Any]], dict[int, list[str]]]:
        """Apply the rows' decisions; what was refused comes back with the
        analyst's edits, to show again beside the rules it broke."""
        formset = ProposalReviewFormSet(request.POST, prefix="p")
        accept_all = "accept_all" in request.POST
        pending = {p.pk: p for p in source.proposals.pending()}
        decisions, edits, errors = [], {}, {}
        for form in formset.forms:
            proposal = pending.get(_int(form.data.get(f"{form.prefix}-proposal")))
            if proposal is None:
                continue  # reviewed meanwhile, or not this article's
            if not form.is_valid():
                edits[proposal.pk] = _as_initial(form)
                errors[proposal.pk] = [
                    f"{name.replace('_', ' ')}: {message}"
                    for name, messages_ in form.errors.items()
                    for message in messages_
                ]
                continue
            decision = form.cleaned_data["decision"]
            if accept_all and decision == ProposalReviewForm.KEEP:
                decision = ProposalReviewForm.ACCEPT
            if decision == ProposalReviewForm.KEEP:
                continue
            if decision == ProposalReviewForm.ACCEPT and not request.user.has_perm(
                RECORD_PERMISSION[proposal.kind]
            ):
                edits[proposal.pk] = _as_initial(form)
                errors[proposal.pk] = ["You may not add this kind of record."]
                continue
            decisions.append(
                (proposal, decision, form.changes(), form.cleaned_data["because"])
            )
            edits[proposal.pk] = _as_initial(form)
        outcome = apply_decisions(decisions, request.user)
        errors |= outcome.refused
        if outcome.accepted or outcome.rejected:
            messages.success(
                request,
                f"{outcome.accepted} accepted, {outcome.rejected} rejected.",
            )
        if errors:
            messages.error(
                request,
                f"{len(errors)} proposal{'' if len(errors) == 1 else 's'} "
                "could not be saved: see the rules named beside them.",
            )
        return {pk: edits[pk] for pk in errors if pk in edits}, errors

    def _record_missed(
        self, request: HttpRequest, source: Source
    ) -> tuple[MissedRecordForm, bool]:
        form = MissedRecordForm(request.POST, prefix="missed")
        if not form.is_valid():
            return form, False
        kind = form.cleaned_data["kind"]
        if not request.user.has_perm(RECORD_PERMISSION[kind]):
            form.add_error(None, "You may not add this kind of record.")
            return form, False
        try:
            Proposal.record_missed(source, kind, form.changes(), request.user)
        except ValidationError as error:
            for name, found in error.message_dict.items():
                form.add_error(name if name in form.fields else None, found)
            return form, False
        messages.success(request, "The record was added from the sentence given.")
        return form, True


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _as_initial(form: ProposalReviewForm) -> dict[str, Any]:
    """A row's submitted values, to show it again as the analyst left it."""
    values = {name: form.data.get(f"{form.prefix}-{name}") for name in form.fields}
    values["temporary"] = f"{form.prefix}-temporary" in form.data
    return values


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    """Every proposal, to follow the extractor's record; they are reviewed on
    their article's page."""

    list_display = [
        "__str__",
        "kind",
        "state",
        "origin",
        "extractor",
        "source",
        "reviewed_at",
    ]
    list_filter = ["state", "kind", "origin", "extractor"]
    search_fields = ["nation", "host", "quote", "source__title"]
    list_select_related = ["source"]
    readonly_fields = [
        field.name for field in Proposal._meta.fields if field.name != "id"
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # proposals come from articles

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # reviewed on the article's page

    def changelist_view(
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> HttpResponse:
        figures = self.get_queryset(request).review_figures()
        return super().changelist_view(
            request, {**(extra_context or {}), "figures": figures}
        )
