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

This module holds only the graph: each human node carries one step declared in
``decisions.steps`` (its title, its offers, its page), and the gates read the state the steps'
services wrote.
"""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from workflows import gates
from workflows.inbox import may_act_on_task
from workflows.locks import ProcessRowLock, row_held
from workflows.tasking import register_node_step

from .models import Decision, DecisionProcess, Stage
from .steps import step_of_node
from .views import guard
from .views import tasks as task_views


class OfferedView(flow.View):
    """A human task anyone holding the offered (role, unit) may take, and nobody else.

    Its pages answer 404 to people who may not see the decision and 403 to people who see it
    but were not offered the task (``decisions.views.guard``)."""

    # viewflow's activation, the task's row inserted with its incoming link (workflows.gates).
    activation_class = gates.ViewActivation

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.offers_of = None

    def Offers(self, ref):  # noqa: N802 - viewflow's node methods are named so (onCreate)
        """``ref(activation)`` gives the new task's (role, unit) offers: written by the task's
        own INSERT (``workflows.gates.ViewActivation.create``)."""
        self.offers_of = ref
        return self

    def _resolve(self, instance):
        super()._resolve(instance)
        self.offers_of = this.resolve(instance, self.offers_of)

    def can_assign(self, user, task):
        return not task.owner_id and may_act_on_task(user=user, task=task)

    # ``can_assign`` is "unassigned and ``may_act_on_task``" and nothing else: the task's
    # re-read under the process lock reads that answer with the task rather than in a statement
    # of its own (``workflows.tasking.may_take``). A subclass changing ``can_assign`` is asked.
    can_assign_by_offers = can_assign

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


def step_node(view_class):
    """The human node of ``view_class``'s declared step: offered as the step says, titled by
    the step's name (viewflow's pages and the chart)."""
    declared = view_class.step
    return (
        OfferedView(view_class.as_view()).Annotation(title=declared.name).Offers(this.step_offers)
    )


class DecisionFlow(flow.Flow):
    process_class = DecisionProcess
    # viewflow's select_for_update_lock, compiled once, taking the decision's row with the
    # process's: the services of a task action find it locked (workflows.locks).
    lock_impl = ProcessRowLock(with_rows=("decision",))
    # Its task rows are written by statements composed once (workflows.rowwrites): every
    # transition writes three or four of them.
    task_rows_composed = True
    process_title = _("Major administrative decision")
    process_description = _("《重大行政决策程序暂行条例》: from the catalogue to the archive.")
    summary_template = "{{ process.decision.title }} — {{ process.decision.get_stage_display }}"
    # Read with the task under the process lock (workflows.tasking): the units the next
    # task is offered to (``_units``) and the government's review office (the legality
    # review's steps and services), without a query of their own.
    process_select_related = (
        "decision__lead_unit",
        "decision__government",
        "decision__government__review_office",
    )

    start = flow.StartHandle(this.start_process).Annotation(title=_("Initiation")).Next(this.draft)

    draft = step_node(task_views.DraftView).Next(this.check_disclosure)
    check_disclosure = (
        gates.If(this.needs_consultation)
        .Annotation(title=_("Disclosable? (public comment or its recorded skip)"))
        .Then(this.open_consultation)
        .Else(this.split_assessments)
    )
    open_consultation = step_node(task_views.ConsultationOpenView).Next(this.wait_consultation)
    wait_consultation = (
        gates.Timer(this.consultation_closes_at)
        .Annotation(title=_("Comment period running"))
        .Next(this.close_consultation)
    )
    close_consultation = (
        gates.Function(this.do_close_consultation)
        .Annotation(title=_("Close the consultation"))
        .Next(this.dispose_comments)
    )
    dispose_comments = step_node(task_views.DisposeCommentsView).Next(this.split_assessments)

    split_assessments = (
        gates.Split()
        .Annotation(title=_("Expert argumentation and risk assessment in parallel"))
        .Next(this.expert_argumentation, case=this.needs_experts)
        .Next(this.risk_assessment)
    )
    expert_argumentation = step_node(task_views.ExpertArgumentationView).Next(this.join_assessments)
    risk_assessment = step_node(task_views.RiskAssessmentView).Next(this.join_assessments)
    join_assessments = (
        gates.Join().Annotation(title=_("Assessments done")).Next(this.complete_assessments)
    )
    complete_assessments = (
        gates.Function(this.do_complete_assessments)
        .Annotation(title=_("Record the assessments"))
        .Next(this.check_risk)
    )
    check_risk = (
        gates.If(this.risk_controllable)
        .Annotation(title=_("Risk controllable?"))
        .Then(this.submit_legality)
        .Else(this.draft)
    )

    submit_legality = step_node(task_views.LegalitySubmitView).Next(this.legality_review)
    legality_review = step_node(task_views.LegalityReviewView).Next(this.check_legality)
    approve_legality = step_node(task_views.LegalityApproveView).Next(this.check_legality)
    check_legality = (
        gates.Switch()
        .Annotation(title=_("Lawful? (may go to the meeting)"))
        .Case(this.package_check, this.may_go_to_meeting)
        .Case(this.submit_legality, this.was_returned_for_supplement)
        .Case(this.approve_legality, this.opinion_awaits_approval)
        .Case(this.legality_review, this.opinion_sent_back)
        .Default(this.draft)
    )
    package_check = step_node(task_views.PackageCheckView).Next(this.meeting)
    meeting = step_node(task_views.MeetingView).Next(this.route_outcome)
    route_outcome = (
        gates.Switch()
        .Annotation(title=_("Outcome of the meeting"))
        .Case(this.incorporate_amendments, this.is_adopted_with_amendments)
        .Case(this.party_report, this.is_adopted)
        .Case(this.archive, this.is_rejected)
        .Default(this.meeting)
    )
    incorporate_amendments = step_node(task_views.AmendmentsView).Next(this.approve_amendments)
    approve_amendments = step_node(task_views.AmendmentsApproveView).Next(this.check_amendments)
    confirm_amendments = step_node(task_views.AmendmentsConfirmView).Next(this.check_amendments)
    check_amendments = (
        gates.Switch()
        .Annotation(title=_("Amended text approved (and confirmed lawful)?"))
        .Case(this.party_report, this.amendments_incorporated)
        .Case(this.confirm_amendments, this.amendments_await_review)
        .Default(this.incorporate_amendments)
    )
    party_report = step_node(task_views.PartyReportView).Next(this.publication)
    publication = step_node(task_views.PublicationView).Next(this.archive)
    archive = step_node(task_views.ArchiveView).Next(this.end)
    end = gates.End().Annotation(title=_("End"))

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

    def step_offers(self, activation):
        """The new task's offers, as its step declares (``decisions.steps``)."""
        declared = step_of_node(activation.flow_task.name)
        return declared.offered_units(self._units(activation))

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
            # The services' own locked copy, when this transaction holds it (row_held): current.
            decision = row_held(Decision, activation.process.decision_id)
        if decision is None:
            decision = Decision.objects.select_related("lead_unit", "government").get(
                pk=activation.process.decision_id
            )
            activation._fazhi_decision = decision
            activation.process.decision = decision
        return decision

    def needs_consultation(self, activation):
        """``send_to_consultation`` rather than ``skip_consultation`` (第十四条)."""
        return self._decision(activation).stage == Stage.CONSULTATION

    def consultation_closes_at(self, activation):
        """The period the consultation just opened was given (第十五条): the service's own
        copy, kept while the decision is held (``services.latest_consultation``)."""
        from .services import latest_consultation

        return latest_consultation(self._decision(activation)).closes_at

    def do_close_consultation(self, activation):
        """The timer fired: the service locks and reads the decision itself, so it is given
        only the id; its locked copy then serves the offers of the task created next."""
        from .services import decision_consultation_close

        decision_id = activation.process.decision_id
        decision_consultation_close(decision=decision_id)
        held = row_held(Decision, decision_id)
        if held is not None:
            activation.process.decision = held

    def needs_experts(self, activation):
        return self._decision(activation).expert_argumentation_needed

    def do_complete_assessments(self, activation):
        from .services import decision_assessments_complete

        decision_assessments_complete(decision=self._decision(activation))

    # Each gate reads the stage ``decisions.lifecycle`` wrote when the step before it ended
    # (``rules.LIFECYCLE`` names the move and its article); none recomputes a rule.

    def risk_controllable(self, activation):
        """``send_to_legality_review`` rather than ``return_for_risk`` (第二十四条)."""
        return self._decision(activation).stage == Stage.LEGALITY_REVIEW

    def may_go_to_meeting(self, activation):
        """``pass_legality_review`` rather than ``fail_legality_review`` (第二十五条)."""
        return self._decision(activation).stage == Stage.PACKAGE

    def was_returned_for_supplement(self, activation):
        """The review office returned the submission for supplement (退回补充, 第二十六条): the
        stage stays, the drafter submits again."""
        from .services import was_returned

        return was_returned(self._decision(activation))

    def opinion_awaits_approval(self, activation):
        """A legal advisor prepared the opinion: the office's head approves it (第二十八条)."""
        from .services import latest_review

        review = latest_review(self._decision(activation))
        return review is not None and review.status == review.Status.AWAITING_APPROVAL

    def opinion_sent_back(self, activation):
        """The head sent the prepared opinion back: the legal advisors review again."""
        from .services import latest_review

        review = latest_review(self._decision(activation))
        return review is not None and review.status == review.Status.SUBMITTED

    def is_adopted_with_amendments(self, activation):
        """The meeting adopted it with amendments: ``adopt_with_amendments`` (第三十条); the
        lead unit incorporates them before the Party report."""
        return self._decision(activation).stage == Stage.AMENDING

    def amendments_incorporated(self, activation):
        """``incorporate_amendments``: the amended text may go on (第三十条、第三十一条)."""
        return self._decision(activation).stage == Stage.PARTY_REPORT

    def amendments_await_review(self, activation):
        """Substantive amendments the unit head approved wait for the review office; a
        returned text goes back to the drafter (the default)."""
        from .services import pending_amended_version

        pending = pending_amended_version(self._decision(activation))
        return pending is not None and pending.approved_at is not None

    def is_adopted(self, activation):
        """The meeting adopted it as it stands: ``adopt`` (第三十条)."""
        return self._decision(activation).stage == Stage.PARTY_REPORT

    def is_rejected(self, activation):
        """The meeting rejected it: ``reject`` (第三十条); a deferral stays at the meeting."""
        return self._decision(activation).stage == Stage.ARCHIVING


def _decision_of_task(task):
    """The decision ``task_complete`` works on: the one the process lock took and read with
    the task (workflows.tasking) when the task comes that way, else read here."""
    process = task.process
    if type(process).decisionprocess.is_cached(process):
        child = process.decisionprocess
        if DecisionProcess.decision.is_cached(child) and child.decision is not None:
            return child.decision
    return Decision.objects.select_related("lead_unit", "government").get(
        process__pk=task.process_id
    )


for _node in DecisionFlow.instance.nodes():
    _view = getattr(getattr(_node, "view", None), "view_class", None)
    if _view is not None and getattr(_view, "step", None) is not None:
        register_node_step(
            flow_class=DecisionFlow, node=_node.name, step=_view.step, subject=_decision_of_task
        )
