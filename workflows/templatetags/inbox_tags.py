from django import template
from django.urls import NoReverseMatch

register = template.Library()


@register.filter
def task_url(task) -> str:
    """The task's page in its flow's viewset, or "" when the flow has no staff pages."""
    try:
        return task.reverse("index")
    except NoReverseMatch:
        return ""
