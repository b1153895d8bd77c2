"""The Atom feed of new consultations."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from workflows.public.feeds import feed_summary

from ..models import Consultation


class ConsultationFeed(Feed):
    """New consultations, newest first (Atom)."""

    feed_type = Atom1Feed
    title = _("New public consultations")
    subtitle = _("Drafts put out for public comment")

    def link(self):
        return reverse("public:consultations")

    def items(self):
        return Consultation.objects.filter(opens_at__lte=timezone.now()).order_by(
            "-opens_at", "-pk"
        )[:50]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return feed_summary(item.draft_text)

    def item_link(self, item):
        return reverse("public:consultation", args=[item.pk])

    def item_pubdate(self, item):
        return item.opens_at

    def item_updateddate(self, item):
        return item.finished_at or item.closed_at or item.opens_at
