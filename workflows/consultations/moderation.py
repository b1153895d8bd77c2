"""Moderating public comments: who may see every comment of a consultation (hidden ones and
contacts included) and hide one, as the subject's app registers it, and the staff page where
they do. Hiding needs a reason and stays in the record (《重大行政决策程序暂行条例》第三十三条).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from .models import Comment, Consultation
from .public_forms import HideForm
from .services import comment_hide

# Comments per page, on the public page and the moderation page alike.
COMMENTS_PER_PAGE = 50

# --- who moderates: each subject's app says (registered from its public module) --------------


@dataclass(frozen=True)
class ModerationPolicy:
    may_view: Callable  # (user, subject) -> bool: sees every comment, hidden ones and contacts
    may_hide: Callable  # (user, subject) -> bool


_POLICIES: dict[str, ModerationPolicy] = {}
_SUPERUSER_ONLY = ModerationPolicy(
    may_view=lambda user, subject: user.is_superuser,
    may_hide=lambda user, subject: user.is_superuser,
)


def moderation_policy_register(*, model_label: str, may_view: Callable, may_hide: Callable):
    """``model_label`` is ``app_label.modelname`` of the consultation's subject."""
    _POLICIES[model_label.lower()] = ModerationPolicy(may_view=may_view, may_hide=may_hide)


def moderation_policy_for(consultation: Consultation) -> ModerationPolicy:
    """Who may see every comment of ``consultation`` and hide one: its subject's app says."""
    ct = consultation.subject_type
    return _POLICIES.get(f"{ct.app_label}.{ct.model}", _SUPERUSER_ONLY)


# --- the staff page ------------------------------------------------------------------------------


@never_cache
@login_required
def moderation(request, pk):
    """Every comment, hidden ones included, with contacts, for the staff handling the
    consultation; hiding needs a reason and is recorded (comment_hide). Others get 404."""
    consultation = Consultation.objects.select_related("subject_type").filter(pk=pk).first()
    if consultation is None:
        raise Http404
    policy = moderation_policy_for(consultation)
    subject = consultation.subject
    if not policy.may_view(request.user, subject):
        raise Http404
    may_hide = policy.may_hide(request.user, subject)
    form = HideForm()
    if request.method == "POST":
        if not may_hide:
            raise PermissionDenied
        form = HideForm(request.POST)
        if form.is_valid():
            comment = Comment.objects.filter(
                pk=form.cleaned_data["comment"], consultation=consultation
            ).first()
            if comment is None:
                raise Http404
            try:
                comment_hide(comment=comment, by=request.user, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                form.add_error("reason", error)
            else:
                page = request.GET.get("page", "")
                return redirect(f"{request.path}?page={page}" if page else request.path)
    comments = (
        Comment.objects.filter(consultation=consultation)
        .select_related("disposition", "hidden_by")
        .order_by("submitted_at", "pk")
    )
    return render(
        request,
        "consultations/public/moderation.html",
        {
            "consultation": consultation,
            "page_obj": Paginator(comments, COMMENTS_PER_PAGE).get_page(request.GET.get("page")),
            "may_hide": may_hide,
            "form": form,
        },
        status=400 if form.errors else 200,
    )
