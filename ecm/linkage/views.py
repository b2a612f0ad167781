"""Pages for data managers: feeds and quarantine, the clerical review queue, a child's sources, merges.

Thin: access, selector or service, render.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from ecm.linkage import selectors
from ecm.linkage.access import (
    child_for_linkage,
    data_manager_required,
    delivery_for,
    merge_for,
    review_item_for,
)
from ecm.linkage.choices import ReviewStatus
from ecm.linkage.feeds import FeedFileError
from ecm.linkage.forms import DeliveryActionForm, MergeForm, ReviewDecisionForm, UnmergeForm
from ecm.linkage.merging import children_merge, children_unmerge
from ecm.linkage.services import (
    LinkageRuleError,
    deliveries_mark_stopped,
    delivery_abandon,
    delivery_resume,
    review_decide,
)


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


@data_manager_required
def home_view(request: HttpRequest) -> HttpResponse:
    """Sources, latest deliveries, the review queue's size, the model and its check against decisions."""
    model = selectors.current_model()
    context = {
        "sources": selectors.sources_with_counts(),
        "deliveries": selectors.deliveries(),
        "review": selectors.review_counts(),
        "unlinked": selectors.unlinked_count(),
        "model": model,
        "model_check": selectors.model_check(),
        "last_run": selectors.latest_match_run(),
    }
    context["suggested"] = (
        selectors.thresholds_from_decisions(upper=model.upper_threshold, lower=model.lower_threshold) if model else None
    )
    return render(request, "linkage/home.html", context)


@data_manager_required
@require_http_methods(["GET", "POST"])
def delivery_view(request: HttpRequest, delivery_id: int) -> HttpResponse:
    """One delivery: who, when, hash, counts, the quarantined rows and the values set aside.

    A delivery that stopped part-way can be resumed (from the file it was read from) or abandoned here.
    """
    delivery = delivery_for(actor=request.user, delivery_id=delivery_id)
    form = DeliveryActionForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        deliveries_mark_stopped(actor=request.user)
        try:
            if form.cleaned_data["action"] == "resume":
                delivery_resume(actor=request.user, delivery=delivery)
                messages.success(request, "Delivery imported")
            else:
                delivery_abandon(actor=request.user, delivery=delivery, reason=form.cleaned_data["reason"])
                messages.success(request, "Delivery abandoned")
        except (LinkageRuleError, FeedFileError) as error:
            form.add_error(None, str(error))
        else:
            return redirect("linkage:delivery", delivery_id=delivery.pk)
    context = {
        "delivery": delivery,
        "stalled": selectors.delivery_stalled(delivery),
        "form": form,
        "quarantined": selectors.quarantine_for(delivery)[:500],
        "set_aside": selectors.set_aside_for(delivery)[:500],
    }
    return render(request, "linkage/delivery.html", context)


@data_manager_required
def review_queue_view(request: HttpRequest) -> HttpResponse:
    """Pairs waiting for a decision, most likely first."""
    return render(request, "linkage/review_queue.html", {"items": selectors.review_queue()[:100]})


@data_manager_required
@require_http_methods(["GET", "POST"])
def review_item_view(request: HttpRequest, item_id: int) -> HttpResponse:
    """Both records side by side with agreeing and differing fields marked; the decision form."""
    item = review_item_for(actor=request.user, item_id=item_id)
    form = ReviewDecisionForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        # A link from a record already linked joins two children (docs/linkage.md, "A record with several pairs").
        merging = (
            None not in (item.record.child_id, item.candidate.child_id)
            and item.record.child_id != item.candidate.child_id
        )
        try:
            review_decide(
                actor=request.user, item=item, decision=form.cleaned_data["decision"], note=form.cleaned_data["note"]
            )
        except LinkageRuleError as error:
            form.add_error(None, str(error))
        else:
            if merging and item.status == ReviewStatus.LINKED:
                messages.success(
                    request,
                    "Decision saved. The two index records are now one child; the merge can be undone from "
                    "the child's sources page.",
                )
            else:
                messages.success(request, "Decision saved")
            return redirect("linkage:review_queue")
    rows = selectors.review_item_open(actor=request.user, item=item)
    # Blind first (setting LINKAGE_REVIEW_BLIND, on by default): the score is shown on request only,
    # so that the reviewer judges the records, not the model.
    blind = getattr(settings, "LINKAGE_REVIEW_BLIND", True)
    context = {
        "item": item,
        "rows": rows,
        "form": form,
        "show_score": not blind or request.GET.get("score") == "1",
        "shielded": any(child and child.is_shielded for child in (item.candidate.child, item.record.child)),
        # Said before the reviewer chooses, not only when a link is refused.
        "identifier_conflict": selectors.review_item_identifier_conflict(record=item.record, candidate=item.candidate),
        **selectors.review_item_clusters(item),
    }
    return render(request, "linkage/review_item.html", context)


@data_manager_required
def child_sources_view(request: HttpRequest, child_id: str) -> HttpResponse:
    """A child's records from every source, the survivorship result and its history, and merges."""
    child = child_for_linkage(actor=request.user, child_id=child_id)
    context = {"child": child, **selectors.child_sources_open(actor=request.user, child=child)}
    return render(request, "linkage/child_sources.html", context)


@data_manager_required
@require_http_methods(["GET", "POST"])
def merge_view(request: HttpRequest) -> HttpResponse:
    """Merge two index records of the same child."""
    form = MergeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        survivor = selectors.child_by_index_number(form.cleaned_data["survivor"])
        duplicate = selectors.child_by_index_number(form.cleaned_data["duplicate"])
        if survivor is None:
            form.add_error("survivor", "There is no live record with this index number")
        if duplicate is None:
            form.add_error("duplicate", "There is no live record with this index number")
        if survivor is not None and duplicate is not None:
            try:
                children_merge(
                    actor=request.user, survivor=survivor, duplicate=duplicate, reason=form.cleaned_data["reason"]
                )
            except LinkageRuleError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "Records merged")
                return redirect("linkage:child_sources", child_id=survivor.pk)
    return render(request, "linkage/merge.html", {"form": form})


@data_manager_required
@require_http_methods(["GET", "POST"])
def unmerge_view(request: HttpRequest, merge_id: int) -> HttpResponse:
    """Undo a merge: both records back exactly as they were."""
    merge = merge_for(actor=request.user, merge_id=merge_id)
    form = UnmergeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            children_unmerge(actor=request.user, merge=merge, reason=form.cleaned_data["reason"])
        except LinkageRuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Records unmerged")
            return redirect("linkage:child_sources", child_id=merge.survivor_id)
    return render(request, "linkage/unmerge.html", {"merge": merge, "form": form})
