"""The public register of normative documents (三统一: registered, numbered and published), each
document's page, the published cleanup result lists (清理结果, 国办发〔2018〕37号 五(十八)) and an
Atom feed of newly published documents.

Only published documents exist here; drafts are a 404.
"""

import hashlib

from django import forms
from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_page

from workflows.consultations.public import moderation_policy_register
from workflows.permissions import has_role_in_unit
from workflows.public import caching
from workflows.public.feeds import feed_summary
from workflows.public.nav import section_register
from workflows.public.ratelimit import rate_limited
from workflows.record.selectors import events_for

from .models import (
    CleanupCampaign,
    CleanupItem,
    DocumentVersion,
    DraftingBody,
    Filing,
    NormativeDocument,
    Status,
)
from .permissions import PUBLIC_STATES, is_archivist, is_drafter_for
from .selectors import cleanup_results

PER_PAGE = 20

# The validity filter of the register: in force, or how it ceased to apply.
REGISTER_STATES = {
    "in_force": (Status.IN_FORCE,),
    "published": (Status.PUBLISHED,),  # published, not yet effective
    "repealed": (Status.REPEALED,),
    "expired": (Status.EXPIRED,),
    "declared_invalid": (Status.DECLARED_INVALID,),
    "revoked": (Status.REVOKED,),
    "amended": (Status.AMENDED,),
    "all": PUBLIC_STATES,
}

# Record events that make up a document's public status history.
HISTORY_LABELS = {
    "normdoc.imported": _("Entered in the register"),
    "normdoc.registered": _("Registered and numbered"),
    "normdoc.published": _("Published"),
    "normdoc.entered_into_force": _("Entered into force"),
    "normdoc.renewed": _("Validity renewed"),
    "normdoc.amended": _("Amended"),
    "normdoc.repealed": _("Repealed"),
    "normdoc.expired": _("Lapsed"),
    "normdoc.declared_invalid": _("Declared invalid"),
    "normdoc.revoked": _("Revoked"),
    "normdoc.filing.due": _("Filing due"),
    "normdoc.filing.submitted": _("Submitted for filing"),
    "normdoc.filing.accepted": _("Filing accepted"),
    "normdoc.filing.returned": _("Filing returned for completion"),
    "normdoc.filing.correction_requested": _("Correction requested by the filing body"),
    "normdoc.filing.amended_by_issuer": _("Amended by the issuer after filing review"),
    "normdoc.filing.revoked_by_issuer": _("Revoked by the issuer after filing review"),
    "normdoc.filing.revoked_by_filing_body": _("Revoked by the filing body"),
    "normdoc.filing.received": _("Filing received by the filing body"),
    "normdoc.filing.changed_by_filing_body": _("Changed by the filing body"),
}


class RegisterSearchForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Validity"),
        required=False,
        choices=[
            ("in_force", _("In force")),
            ("published", _("Published, not yet in force")),
            ("repealed", _("Repealed")),
            ("expired", _("Lapsed")),
            ("declared_invalid", _("Declared invalid")),
            ("revoked", _("Revoked")),
            ("amended", _("Amended")),
            ("all", _("All")),
        ],
    )
    number = forms.CharField(label=_("Document number"), max_length=60, required=False)
    title = forms.CharField(label=_("Title"), max_length=100, required=False)
    issuer = forms.CharField(label=_("Issuer"), max_length=100, required=False)
    year = forms.IntegerField(label=_("Year"), min_value=1949, max_value=2999, required=False)


def public_documents():
    return NormativeDocument.objects.filter(status__in=PUBLIC_STATES).select_related(
        "drafting_body__unit"
    )


def register_search(*, status="", number="", title="", issuer="", year=None):
    """The register filtered as the public asks: validity, number, title, issuer, year."""
    documents = NormativeDocument.objects.filter(
        status__in=REGISTER_STATES.get(status or "in_force", REGISTER_STATES["in_force"])
    ).select_related("drafting_body__unit")
    if number:
        documents = documents.filter(number__icontains=number.strip())
    if title:
        documents = documents.filter(title__icontains=title.strip())
    if issuer:
        issuer = issuer.strip()
        documents = documents.filter(
            Q(drafting_body__unit__name__icontains=issuer) | Q(issuer_code__icontains=issuer)
        )
    if year:
        documents = documents.filter(published_on__year=year)
    return documents.order_by("-published_on", "-pk")


@rate_limited("page_ip")
def register(request):
    form = RegisterSearchForm(request.GET or None)
    criteria = form.cleaned_data if form.is_valid() else {}
    page_obj = Paginator(register_search(**criteria), PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "normdocs/public/register.html",
        {
            "form": form,
            "status": criteria.get("status") or "in_force",
            "page_obj": page_obj,
            "query_string": query.urlencode(),
            # The fragment cache key: the whole question, hashed.
            "query_key": hashlib.sha256(request.GET.urlencode().encode()).hexdigest()[:32],
            "cache_ttl": caching.ttl(),
        },
    )


@rate_limited("page_ip")
def document_detail(request, pk):
    document = public_documents().filter(pk=pk).first()
    if document is None:
        raise Http404
    history = [
        (event, HISTORY_LABELS[event.action])
        for event in events_for(document).filter(action__in=list(HISTORY_LABELS))
    ]
    return render(
        request,
        "normdocs/public/detail.html",
        {
            "document": document,
            "history": history,
            "filings": Filing.objects.filter(document=document)
            .select_related("receiving_unit", "receiving_body")
            .order_by("pk"),
            "amended_by": public_documents().filter(amends=document).first(),
            # The text as issued (印发稿), in full (escaped by the template): never a draft.
            "issued": document.versions.filter(kind=DocumentVersion.Kind.AS_ISSUED)
            .order_by("-number")
            .first(),
        },
    )


def published_campaigns():
    return CleanupCampaign.objects.filter(results_published_on__isnull=False).order_by(
        "-results_published_on", "-pk"
    )


@rate_limited("page_ip")
def cleanup_list(request):
    page_obj = Paginator(published_campaigns().select_related("government"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "normdocs/public/cleanups.html", {"page_obj": page_obj})


@rate_limited("page_ip")
def cleanup_detail(request, pk):
    """The result lists of one campaign: documents continued, amended, repealed, declared
    invalid. Documents not on the continue list cease to apply from publication."""
    campaign = published_campaigns().select_related("government").filter(pk=pk).first()
    if campaign is None:
        raise Http404
    results = cleanup_results(campaign=campaign)
    lists = [
        (outcome, CleanupItem.Outcome(outcome).label, results[outcome])
        for outcome in CleanupItem.Outcome.values
    ]
    return render(
        request,
        "normdocs/public/cleanup.html",
        {"campaign": campaign, "lists": lists},
    )


@rate_limited("page_ip")
def drafting_bodies(request):
    """The published list of drafting bodies (制定主体清单, 国办发〔2018〕37号 二(一)): every body
    confirmed to issue normative documents, with its kind, issuer codes and the legal basis of
    its power."""
    bodies = DraftingBody.objects.select_related("unit").order_by("kind", "unit__name")
    return render(request, "normdocs/public/bodies.html", {"bodies": bodies})


class DocumentFeed(Feed):
    """Newly published normative documents (Atom)."""

    feed_type = Atom1Feed
    title = _("Newly published normative documents")

    def link(self):
        return reverse("public:normdocs")

    def items(self):
        return (
            public_documents()
            .filter(published_on__isnull=False)
            .order_by("-published_on", "-pk")[:50]
        )

    def item_title(self, item):
        return f"{item.number} {item.title}" if item.number else item.title

    def item_description(self, item):
        return feed_summary(item.text)

    def item_link(self, item):
        return reverse("public:normdoc", args=[item.pk])

    def item_updateddate(self, item):
        return item.registered_at


# --- who moderates comments on a draft document: its drafting body's drafters ----------------


def _may_hide(user, document: NormativeDocument) -> bool:
    return is_drafter_for(user=user, body=document.drafting_body)


def _may_view(user, document: NormativeDocument) -> bool:
    unit = document.drafting_body.unit
    return (
        _may_hide(user, document)
        or has_role_in_unit(user=user, role="unit_head", unit=unit)
        or is_archivist(user)
    )


moderation_policy_register(
    model_label="normdocs.normativedocument", may_view=_may_view, may_hide=_may_hide
)
section_register(url_name="public:normdocs", label=_("Normative documents"), testid="normdocs")
section_register(url_name="public:cleanups", label=_("Cleanup results"), testid="cleanups")

urlpatterns = [
    path("documents/", register, name="normdocs"),
    path(
        "documents/feed/",
        cache_page(caching.DEFAULT_TTL * 5)(DocumentFeed()),
        name="normdocs-feed",
    ),
    path("documents/<int:pk>/", document_detail, name="normdoc"),
    path("documents/cleanups/", cleanup_list, name="cleanups"),
    path("documents/drafting-bodies/", drafting_bodies, name="drafting-bodies"),
    path("documents/cleanups/<int:pk>/", cleanup_detail, name="cleanup"),
]
