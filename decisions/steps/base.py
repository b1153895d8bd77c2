"""What every step of a decision shares: the decision it works on, and who holds a role."""

from django import forms as django_forms
from django.contrib.auth import get_user_model
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from workflows.steps import StepWork

from .. import forms
from ..models import Decision


class CommentHideForm(django_forms.Form):
    comment = forms.CommentChoiceField(label=_("Comment"), queryset=None)
    reason = django_forms.CharField(label=_("Reason for hiding"), widget=django_forms.Textarea)

    def __init__(self, *args, comments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].queryset = comments


class DecisionWork(StepWork):
    """A step of DecisionFlow on one decision for one person."""

    @cached_property
    def decision(self) -> Decision:
        return self.subject


def people_with_role(role: str, unit):
    """Everybody holding ``role`` for ``unit`` (guardian grants on the Unit)."""
    from guardian.shortcuts import get_users_with_perms

    return get_user_model().objects.filter(
        is_active=True,
        pk__in=[
            u.pk
            for u in get_users_with_perms(
                unit, only_with_perms_in=[f"act_as_{role}"], with_group_users=False
            )
        ],
    )
