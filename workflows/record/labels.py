"""What the record's codes mean to a reader (issue 18: Chinese throughout).

An event keeps its action code (``decision.initiated``) and a JSON payload for ever: they are
hashed into the chain (workflows.record.chain) and are never rewritten. This module only reads
them: each action has a label, each payload key a field label, each coded value (a stage, an
outcome, a risk level) the label of the model choice it came from, in the reader's language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "agenda_item.checked": _("Agenda item checked by the review office"),
    "agenda_item.proposed": _("Agenda item proposed"),
    "archive.copy_disposed": _("Archive copy disposed of"),
    "archive.export_failed": _("Archive export failed"),
    "archive.exported": _("Archive package exported"),
    "archive.legal_hold_placed": _("Legal hold placed"),
    "archive.legal_hold_released": _("Legal hold released"),
    "archive.package_downloaded": _("Archive package downloaded"),
    "consultation.attachment_added": _("Consultation attachment added"),
    "consultation.closed": _("Public comment closed"),
    "consultation.comment_disposed": _("Comment disposed of"),
    "consultation.comment_hidden": _("Comment hidden"),
    "consultation.comment_submitted": _("Comment received"),
    "consultation.finished": _("Adoption report published"),
    "consultation.opened": _("Public comment opened"),
    "deadline.computed": _("Deadline computed"),
    "deadline.met": _("Deadline met"),
    "deadline.opened": _("Deadline started"),
    "deadline.overdue": _("Deadline overdue"),
    "deadline.waived": _("Deadline waived"),
    "decision.adjusted": _("Decision adjusted"),
    "decision.adjustment_started": _("Decision adjustment started"),
    "decision.amended_version_approved": _("Amended text approved"),
    "decision.amended_version_confirmed": _("Amended text confirmed by the review office"),
    "decision.amended_version_returned": _("Amended text returned"),
    "decision.amended_version_saved": _("Amended text saved"),
    "decision.amendments_incorporated": _("Amendments incorporated"),
    "decision.assessments_completed": _("Assessments completed"),
    "decision.attachment_added": _("Attachment added"),
    "decision.consultation_closed": _("Public comment closed"),
    "decision.consultation_finished": _("Public comment concluded"),
    "decision.consultation_opened": _("Public comment opened"),
    "decision.draft_saved": _("Draft saved"),
    "decision.draft_submitted": _("Draft submitted"),
    "decision.execution_reported": _("Implementation reported"),
    "decision.expert_chosen": _("Expert chosen"),
    "decision.expert_opinion_handled": _("Expert opinion handled"),
    "decision.expert_opinion_submitted": _("Expert opinion submitted"),
    "decision.expert_withdrew": _("Expert withdrew"),
    "decision.hearing_announced": _("Hearing announced"),
    "decision.hearing_recorded": _("Hearing recorded"),
    "decision.hearing_scheduled": _("Hearing scheduled"),
    "decision.initiated": _("Decision started"),
    "decision.legality_opinion_prepared": _("Legality opinion prepared"),
    "decision.legality_opinion_sent_back": _("Legality opinion sent back"),
    "decision.legality_review_returned": _("Returned by the review office"),
    "decision.legality_review_submitted": _("Submitted for legality review"),
    "decision.legality_reviewed": _("Legality opinion issued"),
    "decision.meeting_decided": _("Decided at the meeting"),
    "decision.meeting_opened": _("Meeting opened"),
    "decision.meeting_statement": _("Statement at the meeting"),
    "decision.not_published": _("Not published"),
    "decision.package_checked": _("Submission package checked"),
    "decision.party_reported": _("Reported to the Party committee"),
    "decision.post_evaluation_completed": _("Post-decision evaluation completed"),
    "decision.post_evaluation_started": _("Post-decision evaluation started"),
    "decision.published": _("Decision published"),
    "decision.returned_for_risk": _("Returned for risk assessment"),
    "decision.risk_assessed": _("Risk assessed"),
    "decision.scheduled": _("Put on the agenda"),
    "decision.sealed": _("Archived and sealed"),
    "decision.submitted": _("Submitted"),
    "decision.suspended": _("Decision suspended"),
    "decision_catalogue.item_adjusted": _("Catalogue item adjusted"),
    "decision_catalogue.item_created": _("Catalogue item added"),
    "decision_catalogue.item_published": _("Catalogue item published"),
    "decision_catalogue.party_consent_recorded": _("Party committee consent recorded"),
    "decision_experts.interest_declared": _("Expert declared an interest"),
    "decision_experts.registered": _("Expert registered"),
    "normdoc.amended": _("Document amended"),
    "normdoc.cleanup.closed": _("Clean-up closed"),
    "normdoc.cleanup.item_decided": _("Clean-up item decided"),
    "normdoc.cleanup.opened": _("Clean-up opened"),
    "normdoc.created": _("Document created"),
    "normdoc.declared_invalid": _("Document declared invalid"),
    "normdoc.deliberated": _("Document deliberated"),
    "normdoc.drafting_body.registered": _("Drafting body registered"),
    "normdoc.entered_into_force": _("Document entered into force"),
    "normdoc.expired": _("Document expired"),
    "normdoc.filing.accepted": _("Filing accepted"),
    "normdoc.filing.amended_by_issuer": _("Amended by the issuer after filing review"),
    "normdoc.filing.changed_by_filing_body": _("Changed by the filing body"),
    "normdoc.filing.correction_requested": _("Correction requested"),
    "normdoc.filing.due": _("Filing due"),
    "normdoc.filing.received": _("Filing received"),
    "normdoc.filing.returned": _("Filing returned for completion"),
    "normdoc.filing.revoked_by_filing_body": _("Revoked by the filing body"),
    "normdoc.filing.revoked_by_issuer": _("Revoked by the issuer"),
    "normdoc.filing.submitted": _("Submitted for filing"),
    "normdoc.imported": _("Document imported"),
    "normdoc.legality_review.opened": _("Legality review opened"),
    "normdoc.legality_review.concluded": _("Legality review concluded"),
    "normdoc.legality_review.submitted": _("Submitted for legality review"),
    "normdoc.published": _("Document published"),
    "normdoc.registered": _("Document registered"),
    "normdoc.renewed": _("Validity renewed"),
    "normdoc.repealed": _("Document repealed"),
    "normdoc.revoked": _("Document revoked"),
    "normdoc.sent_to_deliberation": _("Sent to deliberation"),
    "session.concluded": _("Meeting concluded"),
    "session.item_added": _("Item added to the agenda"),
    "session.meeting_decided": _("Decided at the meeting"),
    "session.meeting_statement": _("Statement at the meeting"),
    "session.opened": _("Meeting opened"),
    "session.planned": _("Meeting planned"),
    "task.claimed": _("Task claimed"),
    "task.urged": _("Task urged"),
}

FIELD_LABELS = {
    "absent": _("Absent"),
    "adopted": _("Adopted at the meeting"),
    "adoption_report_sha256": _("Adoption report digest"),
    "affects_market_actors": _("Affects market actors"),
    "after": _("After"),
    "amendments": _("Amendments"),
    "amends": _("Amends"),
    "amount": _("Length"),
    "assessment": _("Risk assessment"),
    "attendees": _("Attendees (non-voting)"),
    "before": _("Before"),
    "body": _("Filing body"),
    "catalogue_item": _("Catalogue item"),
    "channel": _("Channel"),
    "checklist": _("Checklist"),
    "closed_at": _("Closed at"),
    "closes_at": _("Closes at"),
    "co_drafting_bodies": _("Co-drafting bodies"),
    "comment_id": _("Comment number"),
    "comments": _("Number of comments"),
    "complete": _("Complete"),
    "consented_by": _("Consented by"),
    "consented_on": _("Consented on"),
    "consultation": _("Consultation"),
    "correction_due_on": _("Correction due on"),
    "counts": _("Counts"),
    "deadline": _("Deadline"),
    "decision": _("Decision"),
    "doc_type": _("Document type"),
    "document": _("Document"),
    "documents": _("Documents"),
    "documents_sha256": _("Document list digest"),
    "draft_sha256": _("Draft digest"),
    "draft_version": _("Draft version"),
    "drafting_bodies": _("Drafting bodies"),
    "drafting_body": _("Drafting body"),
    "drafting_explanation": _("Drafting explanation"),
    "due": _("Due"),
    "due_on": _("Due on"),
    "effective_on": _("Effective on"),
    "expert": _("Expert"),
    "expert_argumentation_needed": _("Expert argumentation needed"),
    "exploratory_reform": _("Exploratory reform"),
    "fair_competition_review": _("Fair competition review"),
    "fields": _("Fields"),
    "filing": _("Filing"),
    "from": _("Previous status"),
    "government": _("Government"),
    "handling": _("Handling"),
    "has_contact": _("Contact given"),
    "head_decision": _("Head's decision"),
    "hearing": _("Hearing"),
    "hearing_needed": _("Hearing needed"),
    "held_at": _("Held at"),
    "held_on": _("Held on"),
    "id": _("Serial number"),
    "immediate_effect_reason": _("Reason for immediate effect"),
    "index_number": _("Index number"),
    "issuer_code": _("Issuer code"),
    "issuer_codes": _("Issuer codes"),
    "item": _("Agenda item"),
    "items": _("Items"),
    "jurisdiction": _("Jurisdiction"),
    "kind": _("Kind"),
    "late": _("Late"),
    "lead_unit": _("Lead unit"),
    "legal_basis": _("Legal basis"),
    "legal_risk_statement": _("Legal risk statement"),
    "legal_source": _("Legal source"),
    "levels": _("Risk levels"),
    "majority": _("Majority view"),
    "materials": _("Materials"),
    "materials_sent_on": _("Materials sent on"),
    "meeting": _("Meeting"),
    "meeting_kind": _("Meeting kind"),
    "meeting_on": _("Meeting on"),
    "met_at": _("Met at"),
    "method": _("Method"),
    "minimum_days": _("Minimum days"),
    "minimum_on": _("Not before"),
    "missing": _("Missing"),
    "not_disclosable": _("Not disclosable"),
    "not_disclosable_reason": _("Reason for not disclosing"),
    "not_published_reason": _("Reason for not publishing"),
    "note": _("Note"),
    "number": _("Serial number"),
    "number_as_given": _("Number as given"),
    "office": _("Review office"),
    "ok": _("Passed"),
    "on": _("Date"),
    "opens_at": _("Opens at"),
    "opinion": _("Opinion"),
    "opinion_needed_by": _("Opinion needed by"),
    "opinion_number": _("Opinion number"),
    "notice": _("Notice"),
    "order": _("Order"),
    "overall_level": _("Overall risk level"),
    "ordered_by": _("Ordered by"),
    "out_of_catalogue_reason": _("Reason outside the catalogue"),
    "outcome": _("Outcome"),
    "outcomes": _("Outcomes"),
    "participants": _("Participants"),
    "party_consent_reference": _("Party committee consent"),
    "position": _("Position"),
    "present": _("Present"),
    "previous_valid_until": _("Previously valid until"),
    "principal": _("Head of government"),
    "provisional": _("Provisional"),
    "published_on": _("Published on"),
    "quorum": _("Quorum"),
    "reason": _("Reason"),
    "received_on": _("Received on"),
    "receiving_body": _("Receiving body"),
    "receiving_unit": _("Receiving unit"),
    "recipient": _("Recipient"),
    "record_sha256": _("Record digest"),
    "reference": _("Reference"),
    "reported_on": _("Reported on"),
    "responsible_people": _("Responsible people"),
    "responsible_role": _("Responsible role"),
    "responsible_unit": _("Responsible unit"),
    "results_published_on": _("Results published on"),
    "results_published_where": _("Results published at"),
    "review": _("Review"),
    "review_due_on": _("Review due on"),
    "review_office": _("Review office"),
    "reviewer": _("Reviewer"),
    "risk_assessment": _("Risk assessment"),
    "rule": _("Rule"),
    "scope": _("Scope"),
    "selection": _("Selection"),
    "session": _("Meeting"),
    "sha256": _("Digest"),
    "short_notice_reason": _("Reason for short notice"),
    "short_period_reason": _("Reason for a shorter period"),
    "speaker": _("Speaker"),
    "stage": _("Stage"),
    "start": _("Starts on"),
    "start_decided_by": _("Start decided by"),
    "start_decided_on": _("Start decided on"),
    "start_reference": _("Start reference"),
    "statement": _("Statement"),
    "status": _("Status"),
    "subject": _("Subject"),
    "submitted_on": _("Submitted on"),
    "substantive": _("Substantive"),
    "text": _("Text"),
    "text_sha256": _("Text digest"),
    "title": _("Title"),
    "unit": _("Unit"),
    "url": _("Address"),
    "valid_until": _("Valid until"),
    "version": _("Version"),
    "year": _("Year"),
}

# Values that are not model choices.
VALUE_LABELS = {
    "working": _("working days"),
    "calendar": _("calendar days"),
}

# Codes the processes name themselves (a checklist item, a review method): registered by their
# apps at start-up (``register_code_labels``), since workflows imports neither process.
_CODE_LABELS: dict[str, object] = {}


def register_code_labels(labels: dict) -> None:
    """Let the record name a process's own codes (keys of a checklist, values of a field)."""
    _CODE_LABELS.update(labels)


# Values whose meaning depends on their key (decisions.rules.meeting.majority_view).
KEY_VALUE_LABELS = {
    "majority": {"for": _("In favour"), "against": _("Against"), "none": _("No majority")},
}


def action_label(action: str) -> str:
    """The reader's name of an event action; an action without a label yet is named by its
    subject's kind, never shown as its code."""
    label = ACTION_LABELS.get(action)
    if label is not None:
        return str(label)
    return gettext("Recorded event")


def field_label(key: str) -> str:
    label = FIELD_LABELS.get(key)
    return str(label) if label is not None else gettext("Other detail")


@lru_cache(maxsize=1)
def _choices() -> tuple[dict, dict]:
    """Every model choice of the installed apps: by field name, and by value alone."""
    from django.apps import apps

    by_field: dict[str, dict[str, object]] = {}
    by_value: dict[str, object] = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            choices = getattr(field, "flatchoices", None) or ()
            for value, label in choices:
                if not isinstance(value, str) or not value:
                    continue
                by_field.setdefault(field.name, {}).setdefault(value, label)
                by_value.setdefault(value, label)
    return by_field, by_value


def value_label(key: str, value: str) -> str | None:
    """The label of a coded value (``"lawful"`` under ``outcome``), or None for free text."""
    if value in KEY_VALUE_LABELS.get(key, {}):
        return str(KEY_VALUE_LABELS[key][value])
    if value in VALUE_LABELS:
        return str(VALUE_LABELS[value])
    if value in _CODE_LABELS:
        return str(_CODE_LABELS[value])
    by_field, by_value = _choices()
    label = by_field.get(key, {}).get(value)
    if label is None:
        label = by_value.get(value)
    return None if label is None else str(label)


# --- a payload as named fields ------------------------------------------------------------------

_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")

# Payload keys holding the id of a unit, of a person (a user), or of another record subject:
# shown by name, linked where the object has a page.
_UNIT_KEYS = {"lead_unit", "government", "office", "receiving_unit", "unit", "review_office"}
_PERSON_KEYS = {
    "principal",
    "speaker",
    "reviewer",
    "present",
    "absent",
    "attendees",
    "responsible_people",
}
# key -> (app label, model name, URL name of its page or None)
_OBJECT_KEYS = {
    "decision": ("decisions", "Decision", "decisions:register:detail"),
    "session": ("decisions", "Session", "decisions:sessions:detail"),
    "catalogue_item": ("decisions", "CatalogueItem", None),
    "expert": ("decisions", "ExpertProfile", None),
    "document": ("normdocs", "NormativeDocument", "normdocs:register:detail"),
    "documents": ("normdocs", "NormativeDocument", "normdocs:register:detail"),
    "drafting_bodies": ("normdocs", "DraftingBody", None),
}
# Every key whose integer values are ids shown by name, read by ``_render`` and by
# ``payloads_prefetch`` alike: key -> (app label, model name, URL name or None).
_NAMED_KEYS = {
    **_OBJECT_KEYS,
    **{key: ("auth", "User", None) for key in _PERSON_KEYS},
    **{key: ("workflows", "Unit", None) for key in _UNIT_KEYS},
}


@dataclass
class Field:
    """One named field of a payload: its label and either a value or nested fields."""

    key: str
    label: str
    value: str = ""
    children: list[Field] | None = None


class Resolver:
    """Names for ids, each looked up once per page; ``payloads_prefetch`` looks up a whole
    page's at once, one query per model."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, str, int], str] = {}

    def name(self, app_label: str, model_name: str, pk: int, url_name: str | None = None) -> str:
        key = (app_label, model_name, pk)
        if key not in self._cache:
            self._cache[key] = self._lookup(app_label, model_name, pk, url_name)
        return self._cache[key]

    def prefetch(self, wanted: dict[tuple[str, str, int], str | None]) -> None:
        """Look up the names of ``wanted`` ((app label, model, pk) -> the URL name to link
        to) not known yet: one query per model instead of one per id (issue 22: a decision's
        record named five people, five queries)."""
        from django.apps import apps

        by_model: dict[tuple[str, str], dict[int, str | None]] = {}
        for (app_label, model_name, pk), url_name in wanted.items():
            if (app_label, model_name, pk) not in self._cache:
                by_model.setdefault((app_label, model_name), {})[pk] = url_name
        for (app_label, model_name), pks in by_model.items():
            try:
                model = apps.get_model(app_label, model_name)
            except LookupError:
                continue  # ``name`` answers the bare id
            found = model._default_manager.in_bulk(list(pks))
            for pk, url_name in pks.items():
                self._cache[(app_label, model_name, pk)] = self._text(
                    model_name, pk, found.get(pk), url_name
                )

    @classmethod
    def _lookup(cls, app_label, model_name, pk, url_name) -> str:
        from django.apps import apps

        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            return str(pk)
        return cls._text(model_name, pk, model._default_manager.filter(pk=pk).first(), url_name)

    @staticmethod
    def _text(model_name, pk, obj, url_name) -> str:
        from django.urls import NoReverseMatch, reverse

        if obj is None:
            return str(pk)
        if model_name == "User":
            text = obj.get_full_name() or obj.get_username()
        else:
            text = str(obj)
        if url_name:
            try:
                return format_html('<a href="{}">{}</a>', reverse(url_name, args=[pk]), text)
            except NoReverseMatch:
                pass
        return conditional_escape(text)


def _render(key: str, value, resolver: Resolver) -> str:
    """One value as safe HTML text."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, list):
        return "、".join(_render(key, item, resolver) for item in value)
    if isinstance(value, int):
        if key in _NAMED_KEYS:
            app_label, model_name, url_name = _NAMED_KEYS[key]
            return resolver.name(app_label, model_name, value, url_name)
        return str(value)
    if isinstance(value, str):
        if key == "rule":
            return conditional_escape(_rule_label(value))
        if _ISO_MOMENT.match(value):
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                return conditional_escape(value)
            return localtime(moment).strftime("%Y-%m-%d %H:%M")
        label = value_label(key, value)
        # A stage once stored by its English name is read in the reader's language.
        return conditional_escape(label if label is not None else gettext(value))
    return conditional_escape(str(value))


def _rule_label(key: str) -> str:
    from workflows.clocks.rules import UnknownRule, rule_default

    try:
        description = rule_default(key).description
    except UnknownRule:
        return key
    return str(description) if description else key


def _key_label(parent: str, key: str) -> str:
    if key in FIELD_LABELS:
        return str(FIELD_LABELS[key])
    # Keys that are codes themselves: a risk dimension, a checklist item.
    return value_label(parent, key) or value_label(key, key) or key


def payloads_prefetch(payloads, resolver: Resolver) -> None:
    """Look up at once every name the ``payloads`` will ask ``resolver`` for."""
    wanted: dict[tuple[str, str, int], str | None] = {}
    for payload in payloads:
        _names_wanted("", payload, wanted)
    resolver.prefetch(wanted)


def _names_wanted(key: str, value, wanted: dict) -> None:
    """Note the names ``payload_fields`` will ask for ``value`` under ``key``: the ids
    ``_render`` names, in the fields of a dict and the items of a list (a dict in a list is
    shown as text), without building the fields twice (issue 22)."""
    if isinstance(value, dict):
        for child_key, child in value.items():
            _names_wanted(child_key, child, wanted)
    elif isinstance(value, list):
        for item in value:
            if not isinstance(item, dict):
                _names_wanted(key, item, wanted)
    elif isinstance(value, int) and not isinstance(value, bool) and key in _NAMED_KEYS:
        app_label, model_name, url_name = _NAMED_KEYS[key]
        wanted.setdefault((app_label, model_name, value), url_name)


def payload_fields(payload, resolver: Resolver | None = None, parent: str = "") -> list[Field]:
    """The payload of an event as named fields, nested dicts as nested fields."""
    resolver = resolver or Resolver()
    if not isinstance(payload, dict):
        return [Field(key="", label=gettext("Details"), value=_render(parent, payload, resolver))]
    fields = []
    # The day of the act first; the rest as recorded.
    for key, value in sorted(payload.items(), key=lambda item: item[0] != "on"):
        label = _key_label(parent, key)
        if isinstance(value, dict):
            fields.append(
                Field(key=key, label=label, children=payload_fields(value, resolver, key))
            )
        else:
            fields.append(
                Field(key=key, label=label, value=mark_safe(_render(key, value, resolver)))
            )
    return fields


def fields_html(fields: list[Field]) -> str:
    """``fields`` as the timeline shows them: a definition list, nested fields as nested lists,
    a dash when there are none. Built here rather than by a template including itself for
    every nested field: one include per event cost more than the rest of its row (issue 22)."""
    if not fields:
        return mark_safe("—\n")
    items = "".join(
        format_html(
            '\n  <dt data-key="{}">{}</dt>\n  <dd>{}</dd>',
            field.key,
            field.label,
            fields_html(field.children) if field.children is not None else field.value,
        )
        for field in fields
    )
    return mark_safe(f'<dl class="fz-record-fields">{items}\n</dl>\n')
