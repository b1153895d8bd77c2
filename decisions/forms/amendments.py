"""Forms of incorporating the amendments a meeting decided (第三十条: 修改后通过)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class AmendedVersionForm(forms.Form):
    """The drafter enters the whole text with the amendments incorporated."""

    text = forms.CharField(
        label=_("Text with the amendments incorporated"), widget=forms.Textarea, strip=False
    )
    substantive = forms.BooleanField(
        label=_("The amendments are substantive (the review office confirms the text)"),
        required=False,
    )


class AmendedVersionApproveForm(forms.Form):
    confirm = forms.BooleanField(label=_("Approve the amended text"))


class AmendedVersionConfirmForm(forms.Form):
    lawful = forms.TypedChoiceField(
        label=_("The amended text is"),
        choices=[("yes", _("Lawful")), ("no", _("Not lawful: return it"))],
        coerce=lambda value: value == "yes",
    )
    opinion = forms.CharField(
        label=_("Opinion (required when not lawful)"), required=False, widget=forms.Textarea
    )
