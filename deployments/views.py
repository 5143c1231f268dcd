"""The pages: the status table and each nation's timeline."""

from __future__ import annotations

import csv

from django.conf import settings
from django.core.paginator import EmptyPage, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from deployments.caching import remember
from deployments.charts import troop_chart
from deployments.deployment_charts import deployment_chart
from deployments.forms import SORT_COLUMNS, PageForm, StatusFilterForm
from deployments.maps.drawing import NATION_WIDTH, status_map
from deployments.models import Nation, Stance
from deployments.spreadsheets import UTF8_BOM, bom_requested, csv_cell
from deployments.status import (
    STATUS_COLUMNS,
    NationTimeline,
    StatusRow,
    current_status,
    summarize,
)
from deployments.status.history import nation_histories
from deployments.validators import revalidated

# The page stays light on a phone; the CSV download has every row at once.
ROWS_PER_PAGE = 50
TIMELINE_ENTRIES_PER_PAGE = 100


# The query parameters the status page and its CSV read, which their answers
# are kept for (``revalidated``). The CSV has every row at once: the form
# checks ``page`` but nothing in the CSV depends on it.
STATUS_PAGE_PARAMS = frozenset(StatusFilterForm.base_fields)
STATUS_CSV_PARAMS = (STATUS_PAGE_PARAMS - {"page"}) | {"bom"}


def filtered_rows(form: StatusFilterForm) -> list[StatusRow]:
    return form.sort_rows(current_status(**form.status_filters()))


@revalidated(keep_body=True, params=STATUS_PAGE_PARAMS)
def status_page(request: HttpRequest) -> HttpResponse:
    form = StatusFilterForm(request.GET)
    if not form.is_valid():
        return render(request, "deployments/status.html", {"form": form}, status=400)
    rows = filtered_rows(form)
    paginator = Paginator(rows, ROWS_PER_PAGE)
    try:
        page = paginator.page(form.cleaned_data.get("page") or 1)
    except EmptyPage:
        raise Http404("There is no such page of the status table.") from None
    return render(
        request,
        "deployments/status.html",
        {
            "form": form,
            "page": page,
            "summary": summarize(rows),
            "chart": troop_chart(rows),
            # The same rows as the table: filters and as_of apply alike.
            "status_map": status_map(rows, form.status_filters()),
            "stances": Stance,
            "window_days": settings.CORROBORATION_WINDOW_DAYS,
            "sort_links": sort_links(form.cleaned_data.get("sort") or "nation"),
        },
    )


def sort_links(current: str) -> list[dict[str, str | None]]:
    """Each column's header link: a second click on a column reverses it."""
    links = []
    for name, (label, _) in SORT_COLUMNS.items():
        aria_sort = None
        next_sort = name
        if current == name:
            aria_sort, next_sort = "ascending", f"-{name}"
        elif current == f"-{name}":
            aria_sort = "descending"
        links.append(
            {"name": name, "label": label, "next": next_sort, "aria_sort": aria_sort}
        )
    return links


@revalidated(keep_body=True, params=STATUS_CSV_PARAMS)
def status_csv(request: HttpRequest) -> HttpResponse:
    """Exactly the rows the status page shows for the same query string, in
    the columns of ``/api/status/?format=csv``; ``?bom=true`` starts it with a
    byte-order mark for spreadsheets."""
    form = StatusFilterForm(request.GET)
    try:
        bom = bom_requested(request.GET.get("bom"))
    except ValueError as error:
        return HttpResponse(f"bom: {error}", status=400, content_type="text/plain")
    if not form.is_valid():
        message = "; ".join(
            f"{field}: {' '.join(errors)}" for field, errors in form.errors.items()
        )
        return HttpResponse(message, status=400, content_type="text/plain")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="troop-status.csv"'
    if bom:
        response.write(UTF8_BOM)
    writer = csv.writer(response)
    writer.writerow(STATUS_COLUMNS)
    for row in filtered_rows(form):
        writer.writerow(csv_cell(value) for value in row.as_dict().values())
    return response


@revalidated
def nation_page(request: HttpRequest, code: str) -> HttpResponse:
    """The nation's status, a chart of each deployment's figures and
    statements, then its timeline a page at a time; without
    ``?page=`` the last page, which holds the newest entries."""
    nation = get_object_or_404(Nation, code=code)
    form = PageForm(request.GET)
    if not form.is_valid():
        message = "; ".join(" ".join(errors) for errors in form.errors.values())
        return HttpResponse(f"page: {message}", status=400, content_type="text/plain")
    paginator = Paginator(NationTimeline(nation), TIMELINE_ENTRIES_PER_PAGE)
    try:
        timeline = paginator.page(form.cleaned_data["page"] or paginator.num_pages)
    except EmptyPage:
        raise Http404("There is no such page of this timeline.") from None
    rows = current_status(nation_codes=[nation.code])
    return render(
        request,
        "deployments/nation.html",
        {
            "nation": nation,
            "rows": rows,
            "window_days": settings.CORROBORATION_WINDOW_DAYS,
            "nation_map": status_map(
                rows, {"nation": nation.code}, NATION_WIDTH, "nation-map"
            ),
            "timeline": timeline,
            # Every figure and statement, as known today, per host; drawn
            # once per revision of the data.
            "charts": remember(
                "charts",
                nation.code,
                lambda: [
                    deployment_chart(history) for history in nation_histories(nation)
                ],
            ),
        },
    )
