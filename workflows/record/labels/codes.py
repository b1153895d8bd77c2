"""What a payload's keys and coded values mean to a reader.

Each payload key has a field label; each coded value (a stage, an outcome, a risk level) the
label of the model choice it came from, or of a code a process registered, in the reader's
language.
"""

from functools import lru_cache

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

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
