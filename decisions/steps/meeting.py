"""The collective meeting where the head speaks last (第三十条), the report to the Party
committee, publication (第三十二条) and the archive (第三十三条)."""

from django.contrib.auth import get_user_model
from django.utils.functional import cached_property

from .. import forms, services
from ..forms.meeting import SessionScheduleForm
from ..models import AgendaItem, Meeting
from .base import DecisionWork, people_with_role


class MeetingWork(DecisionWork):
    """The secretary's meeting step of one decision (第三十条): schedule it onto a planned or
    open numbered session of its government (``session_agenda_add_decision``: only at this
    stage and when its legality review passes); once the session is open, the statements on
    its agenda item in speaking order, who has not spoken yet, and the head's decision, offered
    only once every member present has spoken (the head speaks last). A deferred decision
    comes back here and is scheduled onto a later session. The session itself (planning,
    attendance, other items, conclusion) is run on the session's own page."""

    actions = {
        "schedule": SessionScheduleForm,
        "statement": forms.StatementForm,
        "decide": forms.HeadDecisionForm,
    }

    @cached_property
    def item(self) -> AgendaItem | None:
        return services.pending_item_of(self.decision)

    @cached_property
    def meeting(self) -> Meeting | None:
        meeting = getattr(self.item, "deliberation", None) if self.item else None
        return meeting if meeting is not None and meeting.status == Meeting.Status.OPEN else None

    def pending_speakers(self):
        meeting = self.meeting
        return (
            get_user_model()
            .objects.filter(
                pk__in=meeting.attendance.filter(present=True, role="member").values("person_id")
            )
            .exclude(pk__in=meeting.statements.values("speaker_id"))
            .order_by("pk")
        )

    def available_actions(self):
        if self.item is None:
            return ["schedule"]
        # Scheduled: the statements and the decision wait for the session to open.
        return ["statement", "decide"] if self.meeting else []

    def shown_actions(self):
        if self.item is None:
            return ["schedule"]
        if not self.meeting:
            return []
        # The head's statement form is withheld while anybody present has not spoken.
        return ["statement"] if self.pending_speakers().exists() else ["decide"]

    def form_kwargs(self, action):
        if action == "schedule":
            return {
                "sessions": services.sessions_to_schedule(self.decision.government),
                "presenters": people_with_role("unit_head", self.decision.lead_unit),
            }
        if action == "statement":
            return {"speakers": self.pending_speakers()}
        return {}

    def do_schedule(self, data, form):
        services.session_agenda_add_decision(
            session=data["session"],
            decision=self.decision,
            by=self.user,
            presenter=data.get("presenter"),
        )
        return False

    def do_statement(self, data, form):
        services.meeting_statement_record(meeting=self.meeting, by=self.user, **data)
        return False

    def do_decide(self, data, form):
        services.meeting_decide(meeting=self.meeting, by=self.user, **data)
        return True


class PartyReportWork(DecisionWork):
    actions = {"report": forms.PartyReportForm}

    def do_report(self, data, form):
        services.party_report_record(decision=self.decision, by=self.user, **data)
        return True


class PublicationWork(DecisionWork):
    actions = {"publish": forms.PublicationForm}

    def do_publish(self, data, form):
        services.publication_record(decision=self.decision, by=self.user, **data)
        return True


class ArchiveWork(DecisionWork):
    actions = {"seal": forms.ConfirmForm}

    def shown_actions(self):
        # Sealing is offered only when the checklist is complete (第三十三条).
        return ["seal"] if services.archive_checklist(self.decision)["complete"] else []

    def do_seal(self, data, form):
        services.decision_seal(decision=self.decision, by=self.user)
        return True
