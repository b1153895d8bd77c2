"""The pages of the meeting, the Party report, publication and the archive
(``decisions.steps.meeting``)."""

from django.utils.translation import gettext_lazy as _

from ... import services
from ...steps import step_of_node
from .base import TaskView


class MeetingView(TaskView):
    step = step_of_node("meeting")

    def initial(self, action):
        if action == "open":
            from django.utils import timezone

            return {"held_at": timezone.localtime().replace(second=0, microsecond=0)}
        return {}

    def extra_context_data(self):
        meeting = self.work.meeting
        if meeting is None:
            return {"meeting": None}
        return {
            "meeting": meeting,
            "attendance": meeting.attendance.select_related("person").order_by("role", "pk"),
            "statements": meeting.statements.select_related("speaker"),
            "pending": list(self.work.pending_speakers()),
        }


class PartyReportView(TaskView):
    step = step_of_node("party_report")


class PublicationView(TaskView):
    step = step_of_node("publication")


class ArchiveView(TaskView):
    step = step_of_node("archive")
    action_texts = {
        "seal": {
            "confirm": _(
                "I confirm that the record is complete and seal the decision's archive; a "
                "sealed archive cannot be changed (第三十三条)."
            ),
            "submit_label": _("Seal the archive"),
        },
    }

    def extra_context_data(self):
        return {"checklist": services.archive_checklist(self.decision)}
