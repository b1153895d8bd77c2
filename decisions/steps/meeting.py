"""The collective meeting where the head speaks last (第三十条), the report to the Party
committee, publication (第三十二条) and the archive (第三十三条)."""

from django.contrib.auth import get_user_model
from django.utils.functional import cached_property

from .. import forms, services
from ..models import Meeting
from .base import DecisionWork, people_with_role


class MeetingWork(DecisionWork):
    """The secretary's meeting page: attendance, statements in speaking order, who has not
    spoken yet, and the head's decision, offered only once every member present has spoken
    (第三十条: the head speaks last)."""

    actions = {
        "open": forms.MeetingOpenForm,
        "statement": forms.StatementForm,
        "decide": forms.HeadDecisionForm,
    }

    @cached_property
    def meeting(self) -> Meeting | None:
        return self.decision.meetings.filter(status=Meeting.Status.OPEN).first()

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
        return ["statement", "decide"] if self.meeting else ["open"]

    def shown_actions(self):
        if not self.meeting:
            return ["open"]
        # The head's statement form is withheld while anybody present has not spoken.
        return ["statement"] if self.pending_speakers().exists() else ["decide"]

    def form_kwargs(self, action):
        government = self.decision.government
        if action == "open":
            return {
                "members": people_with_role("meeting_member", government),
                "principals": people_with_role("principal", government),
            }
        if action == "statement":
            return {"speakers": self.pending_speakers()}
        return {}

    def do_open(self, data, form):
        members = people_with_role("meeting_member", self.decision.government)
        present = list(data["present"])
        services.meeting_open(
            decision=self.decision,
            by=self.user,
            kind=data["kind"],
            held_at=data["held_at"],
            principal=data["principal"],
            members=present,
            absent=[m for m in members.exclude(pk=data["principal"].pk) if m not in present],
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
