"""One decision's page: the proposal, where it stands (the stepper, its open steps), the
record of each procedure it went through and the links to the steps a person may take.
Whatever the person may not see is a 404 (``decisions.selectors``).

The page is read in as few statements as it can: which of the decision's records exist is
asked once (``_present``), and only those are read; the flow's tasks, their offers and the
legal clocks are read once for both the stepper and the list of open steps
(``decisions.progress.progress_reads``), and whether the reader may act on an open task is
asked once per task."""

from datetime import date
from functools import cache

from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection
from django.db.models import Count
from django.views import generic
from viewflow.workflow.status import STATUS

from workflows.consultations.models import Consultation
from workflows.consultations.selectors import consultations_for_subject
from workflows.inbox import may_act_on_task
from workflows.permissions import has_role_in_unit

from ..models import Decision, LegalityReview, Outcome, Stage
from ..progress import decision_progress, progress_reads
from ..selectors import decision_get_for_user

# The decision's records the page shows, by their name on ``Decision``: each is read only when
# ``_present`` says the decision has one.
RECORDS = (
    "versions",
    "attachments",
    "hearings",
    "expert_opinions",
    "risk_assessments",
    "legality_reviews",
    "meetings",
    "execution_reports",
    "post_evaluations",
    "adjustments",
    "party_report",
    "publication",
    "agenda_items",
)


@cache
def _present_sql() -> str:
    """One statement: does the decision have any of ``RECORDS`` (agenda items: on a session),
    and any consultation?"""
    q = connection.ops.quote_name
    columns = []
    for name in RECORDS:
        relation = Decision._meta.get_field(name)
        condition = f"{q(relation.field.column)} = %s"
        if name == "agenda_items":
            session = relation.related_model._meta.get_field("session").column
            condition += f" AND {q(session)} IS NOT NULL"
        columns.append(
            f"EXISTS (SELECT 1 FROM {q(relation.related_model._meta.db_table)} WHERE {condition})"
        )
    columns.append(
        f"EXISTS (SELECT 1 FROM {q(Consultation._meta.db_table)} "
        f"WHERE {q('subject_type_id')} = %s AND {q('subject_id')} = %s)"
    )
    return "SELECT " + ", ".join(columns)


def _present(decision: Decision) -> dict[str, bool]:
    """``{record: whether the decision has one}`` for ``RECORDS`` and ``consultations``."""
    decision_type = ContentType.objects.get_for_model(Decision).pk  # cached by Django
    with connection.cursor() as cursor:
        cursor.execute(_present_sql(), [decision.pk] * len(RECORDS) + [decision_type, decision.pk])
        row = cursor.fetchone()
    return dict(zip((*RECORDS, "consultations"), map(bool, row), strict=True))


def _agenda_items(user, decision: Decision) -> list[dict]:
    """The decision's agenda items on numbered sessions (列入县政府第N次常务会议议题), each with
    its session's official name and whether ``user`` may open the session's page."""
    from ..documents import session_title
    from ..session_selectors import sessions_visible_to

    items = list(
        decision.agenda_items.exclude(session=None)
        .select_related("session__government", "deliberation")
        .order_by("session__held_at", "session_id", "order")
    )
    if not items:
        return []
    visible = set(
        sessions_visible_to(user)
        .filter(pk__in=[item.session_id for item in items])
        .values_list("pk", flat=True)
    )
    return [
        {
            "item": item,
            "session": item.session,
            "title": session_title(item.session),
            "visible": item.session_id in visible,
            "outcome": item.outcome,
            "outcome_display": Outcome(item.outcome).label if item.outcome else "",
        }
        for item in items
    ]


def _one(decision: Decision, name: str, present: bool):
    """The decision's one-to-one record ``name``, or None."""
    if not present:
        return None
    try:
        return getattr(decision, name)
    except ObjectDoesNotExist:  # removed since it was asked
        return None


def _review_deadlines(deadlines, reviews) -> list:
    """The clocks among ``deadlines`` that run on the decision's legality ``reviews``, the
    earliest due first (those waiting for a holiday notice, without a due date, last)."""
    review_type = ContentType.objects.get_for_model(LegalityReview).pk
    keys = {str(review.pk) for review in reviews}
    on_reviews = [d for d in deadlines if d.content_type_id == review_type and d.object_id in keys]
    return sorted(on_reviews, key=lambda d: (d.due is None, d.due or date.min))


class DecisionDetailView(LoginRequiredMixin, generic.TemplateView):
    template_name = "decisions/decision_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        decision = decision_get_for_user(user=user, pk=kwargs["pk"])
        has = _present(decision)

        def rows(name, queryset) -> list:
            return list(queryset) if has[name] else []

        reviews = rows("legality_reviews", decision.legality_reviews.all())
        consultations = rows(
            "consultations",
            consultations_for_subject(subject=decision).annotate(comment_count=Count("comments")),
        )
        reads = progress_reads(decision)
        context.update(
            {
                "decision": decision,
                "agenda_items": _agenda_items(user, decision) if has["agenda_items"] else [],
                "tasks": self._open_tasks(reads),
                "versions": rows("versions", decision.versions.all()),
                "attachments": rows("attachments", decision.attachments.all()),
                "consultations": consultations,
                "hearings": rows("hearings", decision.hearings.all()),
                "opinions": rows(
                    "expert_opinions", decision.expert_opinions.select_related("expert__user")
                ),
                "risk": decision.risk_assessments.prefetch_related("dimensions").last()
                if has["risk_assessments"]
                else None,
                "reviews": reviews,
                "deadlines": _review_deadlines(reads.deadlines, reviews),
                "meetings": rows(
                    "meetings", decision.meetings.select_related("item__session__government")
                ),
                "execution_reports": rows(
                    "execution_reports", decision.execution_reports.select_related("executing_unit")
                ),
                "post_evaluations": rows(
                    "post_evaluations", decision.post_evaluations.select_related("evaluator")
                ),
                "adjustments": rows(
                    "adjustments", decision.adjustments.select_related("new_decision")
                ),
                "party_report": _one(decision, "party_report", has["party_report"]),
                "publication": _one(decision, "publication", has["publication"]),
                # Where it stands and what comes next (issue 18): the stepper, the chart of its
                # process and the full-process record.
                "progress": decision_progress(decision=decision, user=user, reads=reads),
            }
        )
        context.update(self._roles(decision, context["opinions"]))
        return context

    def _open_tasks(self, reads) -> list[dict]:
        """The decision's open tasks, newest first, each with whether the reader may act on
        it (remembered in ``reads`` for the stepper)."""
        user = self.request.user
        tasks = []
        for task in reversed(reads.tasks):
            if task.status not in (STATUS.NEW, STATUS.ASSIGNED):
                continue
            reads.may_act[task.pk] = mine = may_act_on_task(user=user, task=task)
            tasks.append(
                {
                    "task": task,
                    "name": task.flow_task.name,
                    "mine": mine,
                    "offers": reads.offers[task.pk],
                    "url": task.flow_task.reverse("index", args=[task.process_id, task.pk]),
                }
            )
        return tasks

    def _roles(self, decision: Decision, opinions: list) -> dict:
        """The reader's roles the page's links depend on, each asked only where the page would
        show its link: a drafter of the lead unit adds attachments until the decision is
        sealed; a chosen expert gives an opinion during the assessment (第十九条); the
        government's principal starts a post-evaluation or an adjustment of a decision in
        force."""
        user = self.request.user
        in_force = decision.stage == Stage.ARCHIVED and decision.outcome in (
            "adopt",
            "adopt_with_amendments",
        )
        expert_link_shown = decision.stage == Stage.ASSESSMENT and bool(
            decision.expert_argumentation_needed or opinions
        )
        return {
            "in_force": in_force,
            "is_drafter": not decision.is_sealed
            and has_role_in_unit(user=user, role="drafter", unit=decision.lead_unit),
            # Only an expert the lead unit chose may give an opinion (第十九条).
            "is_expert": expert_link_shown
            and has_role_in_unit(user=user, role="expert", unit=decision.government)
            and decision.expert_selections.filter(expert__user=user, withdrawn_at=None).exists(),
            "is_principal": in_force
            and has_role_in_unit(user=user, role="principal", unit=decision.government),
        }
