"""Template helpers of the public portal."""

from django import template

from workflows.public import caching
from workflows.public.nav import SECTIONS

register = template.Library()


@register.simple_tag
def portal_nav():
    return SECTIONS


@register.simple_tag
def fragment_version(scope, ident):
    """The cache version of (scope, ident), to put in a ``{% cache %}`` key."""
    return caching.version(scope, ident)


@register.simple_tag
def fragment_ttl():
    return caching.ttl()


@register.simple_tag
def days_remaining(consultation):
    """What is left of a consultation's comment period (workflows.public.countdown)."""
    from django.utils import timezone

    from workflows.public.countdown import remaining

    return remaining(closes_at=consultation.closes_at, at=timezone.now())
