"""Forms of the public consultation pages. Everything a citizen types is stored as plain text
and escaped wherever it is shown."""

from django import forms
from django.utils.translation import gettext_lazy as _

from workflows.public.guards import HoneypotFormMixin
from workflows.validators import IdField

from .models import COMMENT_MAX_CHARS


class CommentForm(HoneypotFormMixin, forms.Form):
    """《重大行政决策程序暂行条例》第十四条: the public comments; name and contact are optional."""

    text = forms.CharField(
        label=_("Your comment"),
        max_length=COMMENT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 8, "maxlength": COMMENT_MAX_CHARS}),
        help_text=_("At most 5,000 characters."),
    )
    paragraph_ref = forms.CharField(
        label=_("Article or paragraph concerned (optional)"), max_length=100, required=False
    )
    name = forms.CharField(label=_("Name (optional)"), max_length=100, required=False)
    show_name = forms.BooleanField(
        label=_("Show my name with my comment on public pages"), required=False
    )
    contact = forms.CharField(
        label=_("Contact (optional)"),
        max_length=200,
        required=False,
        help_text=_("Only the staff handling this consultation see it; it is never published."),
    )


class HideForm(forms.Form):
    comment = IdField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason for hiding"), max_length=2000)
