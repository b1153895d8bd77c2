"""The other public pages of consultations: the list of open and finished ones, an
attachment's download (第十四条) and the adoption report (第十五条、第三十二条)."""

from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import render

from workflows.files import stored_file_response
from workflows.public import caching
from workflows.public.ratelimit import rate_limited

from ..models import Comment, Consultation, ConsultationAttachment, Disposition
from ..moderation import COMMENTS_PER_PAGE
from ..selectors import consultations_open_now
from .reads import CACHE_SCOPE, LIST_PER_PAGE, _page, _published


@rate_limited("page_ip")
def consultation_list(request):
    finished = Consultation.objects.filter(status=Consultation.Status.FINISHED).order_by(
        "-finished_at", "-pk"
    )
    return render(
        request,
        "consultations/public/list.html",
        {
            "page_obj": _page(
                consultations_open_now().order_by("closes_at", "pk"), request, LIST_PER_PAGE
            ),
            "finished": finished[:20],
        },
    )


@rate_limited("page_ip")
def attachment_download(request, pk, attachment_pk):
    """An attachment of a consultation, public exactly while the consultation is (第十四条).
    Always a download, never rendered inline, and the browser may not second-guess the type."""
    consultation = _published(pk)
    attachment = ConsultationAttachment.objects.filter(
        pk=attachment_pk, consultation=consultation
    ).first()
    if attachment is None:
        raise Http404
    return stored_file_response(
        file=attachment.file,
        name=attachment.original_name,
        file_type=attachment.file_type,
        sha256=attachment.sha256,
    )


@rate_limited("page_ip")
def adoption_report(request, pk):
    """The adoption report (意见采纳情况, 第十五条、第三十二条): each public comment's disposition
    and reason; names only where the commenter allowed it. Hidden comments are counted, not shown."""
    consultation = _published(pk)
    if consultation.status != Consultation.Status.FINISHED:
        raise Http404
    counts = consultation.comments.aggregate(
        total=Count("pk"),
        hidden=Count("pk", filter=Q(hidden=True)),
        adopted=Count("pk", filter=Q(disposition__outcome=Disposition.Outcome.ADOPTED)),
        partly=Count("pk", filter=Q(disposition__outcome=Disposition.Outcome.PARTLY_ADOPTED)),
        not_adopted=Count("pk", filter=Q(disposition__outcome=Disposition.Outcome.NOT_ADOPTED)),
    )
    comments = (
        Comment.objects.filter(consultation=consultation, hidden=False)
        .select_related("disposition")
        .only(
            "pk",
            "name",
            "show_name",
            "text",
            "paragraph_ref",
            "submitted_at",
            "consultation_id",
            "disposition__outcome",
            "disposition__reason",
        )
        .order_by("submitted_at", "pk")
    )
    return render(
        request,
        "consultations/public/report.html",
        {
            "consultation": consultation,
            "counts": counts,
            "page_obj": _page(comments, request, COMMENTS_PER_PAGE),
            "cache_version": caching.version(CACHE_SCOPE, consultation.pk),
            "cache_ttl": caching.ttl(),
        },
    )
