"""The public side of major decisions: the yearly decision catalogue (决策事项目录, 第三条), the
published decisions with their interpretation and adoption report (第三十二条), and an Atom feed.

Only what was published exists here: a decision not published (not disclosable) is a 404.
"""

from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_page

from workflows.consultations.models import Consultation
from workflows.consultations.public import companion_texts_register, moderation_policy_register
from workflows.consultations.selectors import consultations_for_subject
from workflows.files import stored_file_response
from workflows.permissions import has_role_in_unit
from workflows.public import caching
from workflows.public.feeds import feed_summary
from workflows.public.nav import section_register
from workflows.public.ratelimit import rate_limited

from .models import Attachment, CatalogueItem, Decision, Hearing
from .selectors import reads_all

PER_PAGE = 20
PUBLIC_CATALOGUE_STATES = (CatalogueItem.Status.PUBLISHED, CatalogueItem.Status.ADJUSTED)


def published_decisions():
    return (
        Decision.objects.filter(publication__published=True)
        .select_related("publication", "lead_unit", "government")
        .order_by("-publication__published_on", "-pk")
    )


@rate_limited("page_ip")
def decision_list(request):
    page_obj = Paginator(published_decisions(), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "decisions/public/list.html",
        {"page_obj": page_obj, "cache_ttl": caching.ttl()},
    )


def published_attachments(decision: Decision):
    """The decision's own materials (附件), published with it (第三十二条). The review papers
    of the procedure — hearing records, expert opinions, the risk report, the legality opinion —
    are process information (过程性信息, 《政府信息公开条例》第十六条) and stay inside."""
    return decision.attachments.filter(kind=Attachment.Kind.MATERIAL).only(
        "pk", "decision_id", "original_name", "file_type", "size", "sha256", "file"
    )


@rate_limited("page_ip")
def decision_detail(request, pk):
    """The decision as published, its attachments, its interpretation (解读) and the adoption
    report."""
    decision = published_decisions().filter(pk=pk).first()
    if decision is None:
        raise Http404
    consultation = (
        consultations_for_subject(subject=decision)
        .filter(status=Consultation.Status.FINISHED)
        .order_by("-opens_at", "-pk")
        .annotate(comment_count=Count("comments"))
        .first()
    )
    return render(
        request,
        "decisions/public/detail.html",
        {
            "decision": decision,
            "publication": decision.publication,
            "consultation": consultation,
            "attachments": list(published_attachments(decision)),
        },
    )


@rate_limited("page_ip")
def decision_attachment(request, pk, attachment_pk):
    """An attachment of a published decision, public exactly while the decision is (第三十二条).
    Always a download, never rendered inline."""
    decision = published_decisions().filter(pk=pk).first()
    if decision is None:
        raise Http404
    attachment = published_attachments(decision).filter(pk=attachment_pk).first()
    if attachment is None:
        raise Http404
    return stored_file_response(
        file=attachment.file,
        name=attachment.original_name,
        file_type=attachment.file_type,
        sha256=attachment.sha256,
    )


def announced_hearings():
    """Hearings announced with their notice (第十六条、第十七条), of decisions that may be
    disclosed."""
    return (
        Hearing.objects.exclude(announced_at=None)
        .filter(decision__not_disclosable=False)
        .select_related("decision", "decision__lead_unit", "decision__government")
        .order_by("-held_on", "-pk")
    )


@rate_limited("page_ip")
def hearing_list(request):
    page_obj = Paginator(announced_hearings(), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "decisions/public/hearing_list.html", {"page_obj": page_obj})


@rate_limited("page_ip")
def hearing_detail(request, pk):
    """The hearing notice and the list of participants, published before the hearing
    (第十七条)."""
    hearing = announced_hearings().filter(pk=pk).first()
    if hearing is None:
        raise Http404
    return render(request, "decisions/public/hearing_detail.html", {"hearing": hearing})


def _catalogue_years():
    return list(
        CatalogueItem.objects.filter(status__in=PUBLIC_CATALOGUE_STATES)
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )


@rate_limited("page_ip")
def catalogue_index(request):
    years = _catalogue_years()
    return redirect("public:decision-catalogue", year=years[0] if years else timezone.now().year)


@rate_limited("page_ip")
def catalogue_year(request, year: int):
    """The published catalogue of one year; adjusted items show the published reason."""
    items = (
        CatalogueItem.objects.filter(status__in=PUBLIC_CATALOGUE_STATES, year=year)
        .select_related("government", "lead_unit")
        .order_by("title", "pk")
    )
    return render(
        request,
        "decisions/public/catalogue.html",
        {"year": year, "years": _catalogue_years(), "items": items},
    )


class DecisionFeed(Feed):
    """Newly published decisions (Atom)."""

    feed_type = Atom1Feed
    title = _("Newly published major decisions")

    def link(self):
        return reverse("public:decisions")

    def items(self):
        return published_decisions()[:50]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return feed_summary(item.publication.interpretation or item.publication.text)

    def item_link(self, item):
        return reverse("public:decision", args=[item.pk])

    def item_pubdate(self, item):
        return item.publication.recorded_at

    def item_updateddate(self, item):
        return item.publication.recorded_at


# --- who moderates comments on a decision: the lead unit's drafters (unit heads read) --------


def _handles(user, decision: Decision) -> bool:
    return has_role_in_unit(user=user, role="drafter", unit=decision.lead_unit)


def _may_hide(user, decision: Decision) -> bool:
    # A sealed record changes no more (第三十三条).
    return _handles(user, decision) and not decision.is_sealed


def _may_view(user, decision: Decision) -> bool:
    return (
        _handles(user, decision)
        or has_role_in_unit(user=user, role="unit_head", unit=decision.lead_unit)
        or reads_all(user)
    )


moderation_policy_register(model_label="decisions.decision", may_view=_may_view, may_hide=_may_hide)


def _consultation_companions(decision_id: int) -> list:
    """The drafting explanation (决策草案说明) beside the draft put out for comment (第十四条)."""
    explanation = (
        Decision.objects.filter(pk=decision_id)
        .values_list("drafting_explanation", flat=True)
        .first()
    )
    return [(_("Drafting explanation"), explanation)] if (explanation or "").strip() else []


companion_texts_register(model_label="decisions.decision", texts=_consultation_companions)
section_register(url_name="public:decisions", label=_("Published decisions"), testid="decisions")
section_register(
    url_name="public:decision-catalogue-index", label=_("Decision catalogue"), testid="catalogue"
)
section_register(url_name="public:decision-hearings", label=_("Hearings"), testid="hearings")


__all__ = ["DecisionFeed", "published_decisions", "urlpatterns"]

urlpatterns = [
    path("decisions/", decision_list, name="decisions"),
    path(
        "decisions/feed/",
        cache_page(caching.DEFAULT_TTL * 5)(DecisionFeed()),
        name="decisions-feed",
    ),
    path("decisions/<int:pk>/", decision_detail, name="decision"),
    path(
        "decisions/<int:pk>/attachments/<int:attachment_pk>/",
        decision_attachment,
        name="decision-attachment",
    ),
    path("decisions/catalogue/", catalogue_index, name="decision-catalogue-index"),
    path("decisions/catalogue/<int:year>/", catalogue_year, name="decision-catalogue"),
    path("decisions/hearings/", hearing_list, name="decision-hearings"),
    path("decisions/hearings/<int:pk>/", hearing_detail, name="decision-hearing"),
]
