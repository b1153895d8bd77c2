"""The public side of consultations: open consultations, the comment form, the confirmation,
the adoption report, the Atom feed, and the staff moderation page.

Legal source: 《重大行政决策程序暂行条例》第十四条 (the public comments), 第十五条 (period, the
published reason for a shorter one, the handling of comments), 第三十三条 (hidden comments stay
in the record). Views parse input and call one service.

``detail``: a consultation's page, its cached copies and the comment form, and the
confirmation; ``pages``: the list, the attachments and the adoption report; ``feed``: the
Atom feed; ``companions``: what the subject's app publishes beside the text; ``reads``: what
the public may see of a consultation, for all of them. The staff moderation page is
``moderation``.
"""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_page

from workflows.public import caching
from workflows.public.nav import section_register

from ..moderation import (
    COMMENTS_PER_PAGE,
    ModerationPolicy,
    moderation,
    moderation_policy_for,
    moderation_policy_register,
)
from .companions import companion_texts_register
from .detail import consultation_detail, consultation_thanks
from .feed import ConsultationFeed
from .pages import adoption_report, attachment_download, consultation_list

section_register(
    url_name="public:consultations", label=_("Public consultations"), testid="consultations"
)

urlpatterns = [
    path("consultations/", consultation_list, name="consultations"),
    path(
        "consultations/feed/",
        cache_page(caching.DEFAULT_TTL * 5)(ConsultationFeed()),
        name="consultations-feed",
    ),
    path("consultations/<int:pk>/", consultation_detail, name="consultation"),
    path("consultations/<int:pk>/thanks/", consultation_thanks, name="consultation-thanks"),
    path("consultations/<int:pk>/report/", adoption_report, name="consultation-report"),
    path(
        "consultations/<int:pk>/attachments/<int:attachment_pk>/",
        attachment_download,
        name="consultation-attachment",
    ),
    path("staff/consultations/<int:pk>/", moderation, name="consultation-moderation"),
]

__all__ = [
    "COMMENTS_PER_PAGE",
    "ModerationPolicy",
    "moderation",
    "moderation_policy_for",
    "companion_texts_register",
    "moderation_policy_register",
    "urlpatterns",
]
