"""Forms of the session pages (会议): the agenda, attendance and the deliberation of an item that
is not a major decision. They only parse input; ``decisions.services.session`` decides.

Every choice is limited to the session's own government (its members, its proposed items, its
decisions waiting for the meeting), so a form can never name somebody else's record.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from workflows.validators import IdField

from ..models import AgendaItem, Decision
from .fields import PeopleChoiceField, PersonChoiceField, person_label


class ItemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        if not obj.check_outcome:
            check = _("not checked")
        else:
            check = obj.get_check_outcome_display()
        return f"{obj.title}（{obj.lead_unit.name}，{check}）"


class DecisionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.title}（{obj.lead_unit.name}）"


class AgendaAddForm(forms.Form):
    """The secretary puts a proposed item on the agenda (only a checked one goes)."""

    item = ItemChoiceField(label=_("Proposed item"), queryset=AgendaItem.objects.none())

    def __init__(self, *args, items=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items


class AgendaAddDecisionForm(forms.Form):
    """The secretary puts a major decision waiting for the meeting on the agenda."""

    decision = DecisionChoiceField(label=_("Major decision"), queryset=Decision.objects.none())
    presenter = PersonChoiceField(label=_("Presenter"), queryset=None, required=False)

    def __init__(self, *args, decisions=None, presenters=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].queryset = decisions
        self.fields["presenter"].queryset = presenters


class SessionOpenForm(forms.Form):
    """Attendance when the session opens: the members present are ticked; a member not ticked
    is absent, with the reason given beside the name; people of the units presenting items
    attend without a vote (列席)."""

    present = PeopleChoiceField(
        label=_("Members present"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    attendees = forms.MultipleChoiceField(
        label=_("Attending without a vote"),
        required=False,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, members=None, attendee_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.members = list(members)
        self.fields["present"].queryset = members
        self.fields["present"].initial = [m.pk for m in self.members]
        for member in self.members:
            self.fields[f"reason_{member.pk}"] = forms.CharField(
                label=_("Reason for absence: %(person)s") % {"person": person_label(member)},
                required=False,
                max_length=200,
            )
        # (person, unit) pairs: the value is "person:unit".
        self.attendee_pairs = {f"{p.pk}:{u.pk}": (p, u) for p, u in attendee_choices}
        self.fields["attendees"].choices = [
            (key, f"{person_label(p)}（{u.name}）") for key, (p, u) in self.attendee_pairs.items()
        ]

    def clean(self):
        data = super().clean()
        present = list(data.get("present") or [])
        present_ids = {p.pk for p in present}
        data["absent"] = [
            (m, data.get(f"reason_{m.pk}", "").strip())
            for m in self.members
            if m.pk not in present_ids
        ]
        data["attendee_list"] = [self.attendee_pairs[key] for key in data.get("attendees") or []]
        return data


class ItemActionForm(forms.Form):
    """Names the agenda item an action on the session page is about."""

    item = IdField(widget=forms.HiddenInput)


class DocumentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.title}（{obj.drafting_body.unit.name}）"


class ItemProposeForm(forms.Form):
    """A drafter or unit head proposes an item (议题) of their unit to the government's
    meeting; it goes on the agenda only after the review office has checked it. A normative
    document is proposed by choosing one of the unit's documents awaiting deliberation: its own
    legality review is its check (国办发〔2018〕115号 一(三)), its title the item's by default."""

    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (AgendaItem.Kind.OTHER, AgendaItem.Kind.OTHER.label),
            (AgendaItem.Kind.NORMATIVE_DOCUMENT, AgendaItem.Kind.NORMATIVE_DOCUMENT.label),
        ],
        initial=AgendaItem.Kind.OTHER,
        required=False,  # absent: another item
    )
    lead_unit = forms.ModelChoiceField(label=_("Lead unit"), queryset=None)
    document = DocumentChoiceField(
        label=_("Normative document awaiting deliberation"),
        queryset=None,
        required=False,
    )
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    materials = forms.CharField(label=_("Materials"), required=False, widget=forms.Textarea)
    presenter = PersonChoiceField(label=_("Presenter"), queryset=None, required=False)

    def __init__(self, *args, units=None, presenters=None, documents=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = units
        self.fields["presenter"].queryset = presenters
        self.fields["document"].queryset = documents

    def clean(self):
        data = super().clean()
        data["kind"] = data.get("kind") or AgendaItem.Kind.OTHER
        document = data.get("document")
        if data.get("kind") == AgendaItem.Kind.NORMATIVE_DOCUMENT:
            if document is None:
                self.add_error("document", _("Choose the normative document of this item."))
                return data
            unit = data.get("lead_unit")
            if unit is not None and document.drafting_body.unit_id != unit.pk:
                self.add_error(
                    "document", _("The document is drafted by another unit than the lead unit.")
                )
            data["title"] = (data.get("title") or "").strip() or document.title
        else:
            data["document"] = None
            if not (data.get("title") or "").strip():
                self.add_error("title", self.fields["title"].error_messages["required"])
        return data
