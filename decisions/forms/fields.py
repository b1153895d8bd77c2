"""The widgets, choice fields and text helpers the forms of the decision share."""

from django import forms

from workflows.files import validate_upload_size

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def option_blocks(text: str) -> list[dict]:
    """Alternative options (第十三条) typed as blocks separated by a blank line; the first line
    of a block is its title."""
    options = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        rows = [r for r in block.strip().split("\n") if r.strip()]
        if rows:
            options.append(
                {"title": rows[0].strip(), "text": "\n".join(rows[1:]).strip() or rows[0]}
            )
    return options


def options_text(options: list[dict]) -> str:
    return "\n\n".join(f"{o.get('title', '')}\n{o.get('text', '')}".strip() for o in options)


def person_label(user) -> str:
    return user.get_full_name() or user.get_username()


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return person_label(obj)


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return person_label(obj)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (the pattern from Django's documentation)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("validators", [validate_upload_size])
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []
