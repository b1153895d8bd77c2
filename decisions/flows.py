"""The major administrative decision, as a viewflow process.

In plain words: a drafter of the lead unit starts a decision from the published catalogue and
writes the draft. Unless the matter may not be disclosed, the draft goes out for public
comment for at least 30 days (a shorter period only with a published reason); when the period
runs out the timer closes it and the drafter disposes of every comment. Expert argumentation
(when the matter is technical) and the risk assessment run side by side; an uncontrollable risk
sends the draft back. The legal advisors review its legality; an unlawful draft goes back to
drafting. The complete package goes to the executive meeting, where every member speaks before
the head, who decides: adopt (then report to the Party committee and publish), reject (archive)
or defer (another meeting). The archivist seals the complete record.

Legal source: 《重大行政决策程序暂行条例》 (国务院令第713号), 第三条至第三十三条.

This module holds only the graph: each human node's view calls one service in
``decisions.services``, and the gates read the state those services wrote.
"""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow, lock

from workflows.inbox import may_act_on_task, task_offer

from . import rules
from .models import Decision, DecisionProcess, Outcome, Stage
from .services import latest_risk_assessment, passes_review
from .views import guard
from .views import tasks as task_views


class OfferedView(flow.View):
    """A human task anyone holding the offered (role, unit) may take, and nobody else.

    Its pages answer 404 to people who may not see the decision and 403 to people who see it
    but were not offered the task (``decisions.views.guard``)."""

    def can_assign(self, user, task):
        return not task.owner_id and may_act_on_task(user=user, task=task)

    @property
    def view_path(self):
        return path(
            f"<int:process_pk>/{self.name}/<int:task_pk>/execute/",
            guard.guarded_execute_view(self, self.view),
            name="execute",
        )

    @property
    def index_path(self):
        return path(
            f"<int:process_pk>/{self.name}/<int:task_pk>/",
            guard.guarded_index_view(self),
            name="index",
        )

    @property
    def detail_path(self):
        return guard.guard_path(self, super().detail_path)

    @property
    def assign_path(self):
        return guard.guard_path(self, super().assign_path)

    @property
    def unassign_path(self):
        return guard.guard_path(self, super().unassign_path)

    @property
    def cancel_path(self):
        return guard.guard_path(self, super().cancel_path)

    @property
    def undo_path(self):
        return guard.guard_path(self, super().undo_path)

    @property
    def revive_path(self):
        return guard.guard_path(self, super().revive_path)


class DecisionFlow(flow.Flow):
    process_class = DecisionProcess
    lock_impl = lock.select_for_update_lock
    process_title = _("Major administrative decision")
    process_description = _("《重大行政决策程序暂行条例》: from the catalogue to the archive.")
    summary_template = "{{ process.decision.title }} — {{ process.decision.get_stage_display }}"

    start = flow.StartHandle(this.start_process).Next(this.draft)

    draft = (
        OfferedView(task_views.DraftView.as_view())
        .onCreate(this.offer_drafter)
        .Next(this.check_disclosure)
    )
    check_disclosure = (
        flow.If(this.needs_consultation).Then(this.open_consultation).Else(this.split_assessments)
    )
    open_consultation = (
        OfferedView(task_views.ConsultationOpenView.as_view())
        .onCreate(this.offer_drafter)
        .Next(this.wait_consultation)
    )
    wait_consultation = flow.Timer(this.consultation_closes_at).Next(this.close_consultation)
    close_consultation = flow.Function(this.do_close_consultation).Next(this.dispose_comments)
    dispose_comments = (
        OfferedView(task_views.DisposeCommentsView.as_view())
        .onCreate(this.offer_drafter)
        .Next(this.split_assessments)
    )

    split_assessments = (
        flow.Split()
        .Next(this.expert_argumentation, case=this.needs_experts)
        .Next(this.risk_assessment)
    )
    expert_argumentation = (
        OfferedView(task_views.ExpertArgumentationView.as_view())
        .onCreate(this.offer_drafter)
        .Next(this.join_assessments)
    )
    risk_assessment = (
        OfferedView(task_views.RiskAssessmentView.as_view())
        .onCreate(this.offer_drafter)
        .Next(this.join_assessments)
    )
    join_assessments = flow.Join().Next(this.complete_assessments)
    complete_assessments = flow.Function(this.do_complete_assessments).Next(this.check_risk)
    check_risk = flow.If(this.risk_controllable).Then(this.submit_legality).Else(this.draft)

    submit_legality = (
        OfferedView(task_views.LegalitySubmitView.as_view())
        .onCreate(this.offer_drafter)
        .Next(this.legality_review)
    )
    legality_review = (
        OfferedView(task_views.LegalityReviewView.as_view())
        .onCreate(this.offer_legal_advisor)
        .Next(this.check_legality)
    )
    check_legality = flow.If(this.may_go_to_meeting).Then(this.package_check).Else(this.draft)
    package_check = (
        OfferedView(task_views.PackageCheckView.as_view())
        .onCreate(this.offer_drafter)
        .Next(this.meeting)
    )
    meeting = (
        OfferedView(task_views.MeetingView.as_view())
        .onCreate(this.offer_secretary)
        .Next(this.route_outcome)
    )
    route_outcome = (
        flow.Switch()
        .Case(this.party_report, this.is_adopted)
        .Case(this.archive, this.is_rejected)
        .Default(this.meeting)
    )
    party_report = (
        OfferedView(task_views.PartyReportView.as_view())
        .onCreate(this.offer_secretary)
        .Next(this.publication)
    )
    publication = (
        OfferedView(task_views.PublicationView.as_view())
        .onCreate(this.offer_publisher)
        .Next(this.archive)
    )
    archive = (
        OfferedView(task_views.ArchiveView.as_view()).onCreate(this.offer_archivist).Next(this.end)
    )
    end = flow.End()

    # --- who sees viewflow's own pages ------------------------------------------------------

    def has_view_permission(self, user, obj=None):
        """viewflow's process list shows every process: only people who read everything get
        it. A single process is visible to whoever may see its decision."""
        from .selectors import decision_is_visible, reads_all

        if not user.is_authenticated:
            return False
        if obj is None:
            return reads_all(user)
        decision = getattr(obj, "decision", None)
        return decision is not None and decision_is_visible(user=user, decision=decision)

    # --- start ----------------------------------------------------------------------------

    def start_process(self, activation, decision):
        """Started by ``decisions.services.decision_initiate``'s caller with the new decision."""
        activation.process.decision = decision
        return activation.process

    # --- offers: who may take each task ---------------------------------------------------

    def offer_drafter(self, activation):
        task_offer(task=activation.task, role="drafter", unit=self._units(activation).lead_unit)

    def offer_legal_advisor(self, activation):
        task_offer(
            task=activation.task, role="legal_advisor", unit=self._units(activation).lead_unit
        )

    def offer_secretary(self, activation):
        task_offer(
            task=activation.task,
            role="meeting_secretary",
            unit=self._units(activation).government,
        )

    def offer_publisher(self, activation):
        task_offer(task=activation.task, role="publisher", unit=self._units(activation).government)

    def offer_archivist(self, activation):
        task_offer(task=activation.task, role="archivist", unit=self._units(activation).government)

    def _units(self, activation):
        """The decision carrying its lead unit and government, for an offer.

        The process object is shared by every task created in one step, so whatever a gate
        just read (or the start handed in) serves here too; only the units are used, and no
        service changes them after initiation.
        """
        process = activation.process
        if not type(process).decision.is_cached(process):
            process.decision = Decision.objects.select_related("lead_unit", "government").get(
                pk=process.decision_id
            )
        return process.decision

    # --- gates: read what the services wrote -----------------------------------------------

    def _decision(self, activation):
        """The decision as the services have just left it: read once per activation (a Switch
        asks several questions of one), in one query with its units.

        It is read afresh because the process may carry a copy loaded before the service ran;
        the fresh copy then replaces it, so the offers of the tasks created next use it.
        """
        decision = getattr(activation, "_fazhi_decision", None)
        if decision is None:
            decision = Decision.objects.select_related("lead_unit", "government").get(
                pk=activation.process.decision_id
            )
            activation._fazhi_decision = decision
            activation.process.decision = decision
        return decision

    def needs_consultation(self, activation):
        return self._decision(activation).stage == Stage.CONSULTATION

    def consultation_closes_at(self, activation):
        from workflows.consultations.selectors import consultation_latest

        return consultation_latest(subject=self._decision(activation)).closes_at

    def do_close_consultation(self, activation):
        from .services import decision_consultation_close

        decision_consultation_close(decision=self._decision(activation))

    def needs_experts(self, activation):
        return self._decision(activation).expert_argumentation_needed

    def do_complete_assessments(self, activation):
        from .services import decision_assessments_complete

        decision_assessments_complete(decision=self._decision(activation))

    def risk_controllable(self, activation):
        assessment = latest_risk_assessment(self._decision(activation))
        return not rules.is_risk_uncontrollable(overall_level=assessment.overall_level)

    def may_go_to_meeting(self, activation):
        return passes_review(self._decision(activation))

    def is_adopted(self, activation):
        return self._decision(activation).outcome in (
            Outcome.ADOPTED,
            Outcome.ADOPTED_WITH_AMENDMENTS,
        )

    def is_rejected(self, activation):
        return self._decision(activation).outcome == Outcome.REJECTED
