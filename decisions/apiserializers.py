"""The representations of /api/v1/decisions/ and /api/v1/tasks/{id}/complete/: what a decision,
its open tasks and a task's result look like, and the bodies the routes take
(``decisions.api`` holds the routes)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from viewflow.workflow.models import Task

from workflows.api.serializers import TaskSerializer, UnitBriefSerializer
from workflows.tasking import OPEN

from . import taskapi
from .documents import session_title
from .models import (
    AgendaItem,
    Decision,
    DecisionProcess,
    LegalityReview,
    Meeting,
    Outcome,
    RiskLevel,
    Stage,
)
from .steps import BY_NODE

# --- representations -------------------------------------------------------------------------


def dimension_risk_levels() -> list[tuple[str, str]]:
    """The levels the risk-assessment form offers for each dimension (only the overall level
    may be uncontrollable): one schema name for the four fields (``ENUM_NAME_OVERRIDES``)."""
    return [
        (value, label) for value, label in RiskLevel.choices if value != RiskLevel.UNCONTROLLABLE
    ]


class DecisionSerializer(serializers.ModelSerializer):
    lead_unit = UnitBriefSerializer()
    government = UnitBriefSerializer()

    class Meta:
        model = Decision
        fields = [
            "id",
            "title",
            "stage",
            "outcome",
            "lead_unit",
            "government",
            "catalogue_item",
            "supersedes",
            "created_at",
            "updated_at",
            "suspended_at",
            "sealed_at",
        ]


class OptionSerializer(serializers.Serializer):
    """An alternative option (第十三条)."""

    title = serializers.CharField(max_length=300)
    text = serializers.CharField(required=False, allow_blank=True)


class OpenTaskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    node = serializers.CharField()
    status = serializers.CharField()
    owner = serializers.CharField(allow_null=True)
    routes = serializers.ListField(
        child=serializers.CharField(),
        help_text="The step's operations: POST /api/v1/decisions/{id}/<route>/.",
    )
    roles = serializers.ListField(
        child=serializers.CharField(), help_text="The roles the step is offered to."
    )


class LegalityReviewBriefSerializer(serializers.ModelSerializer):
    """The decision's latest legality review by the review office (第二十五条至第二十八条)."""

    review_office = UnitBriefSerializer(allow_null=True, read_only=True)
    minimum_unchecked = serializers.SerializerMethodField(
        help_text="True when the 7 working days of 第二十六条 could not be checked at submission "
        "(the holiday notice of minimum_unchecked_year was not entered yet)."
    )
    outcome = serializers.ChoiceField(
        choices=LegalityReview.Outcome.choices,
        allow_blank=True,
        read_only=True,
        help_text="Empty until the review office concludes.",
    )
    approved_at = serializers.DateTimeField(
        source="completed_at",
        allow_null=True,
        read_only=True,
        help_text="When the review office's head approved the opinion (its number issued).",
    )

    class Meta:
        model = LegalityReview
        fields = [
            "id",
            "status",
            "review_office",
            "submitted_at",
            "opinion_needed_by",
            "minimum_on",
            "short_time_reason",
            "minimum_unchecked",
            "minimum_unchecked_year",
            "due_on",
            "outcome",
            "opinion_number",
            "approved_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.BooleanField())
    def get_minimum_unchecked(self, review) -> bool:
        return review.minimum_unchecked_year is not None


class DecisionAgendaItemSerializer(serializers.ModelSerializer):
    """An agenda item (议题) of a numbered session that carries the decision (第三十条)."""

    session = serializers.IntegerField(source="session_id", read_only=True)
    session_title = serializers.SerializerMethodField(
        help_text="The session as its official papers name it (乌恰县人民政府第N次常务会议)."
    )
    session_kind = serializers.ChoiceField(
        source="session.kind", choices=Meeting.Kind.choices, read_only=True
    )
    session_year = serializers.IntegerField(source="session.year", read_only=True)
    session_number = serializers.IntegerField(source="session.number", read_only=True)
    held_at = serializers.DateTimeField(source="session.held_at", read_only=True)
    outcome = serializers.SerializerMethodField(
        help_text="What the session decided on the item; empty while undecided."
    )

    class Meta:
        model = AgendaItem
        fields = [
            "id",
            "session",
            "session_title",
            "session_kind",
            "session_year",
            "session_number",
            "order",
            "held_at",
            "outcome",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_session_title(self, item) -> str:
        return session_title(item.session)

    @extend_schema_field(serializers.ChoiceField(choices=Outcome.choices))
    def get_outcome(self, item) -> str:
        return item.outcome


class DecisionDetailSerializer(DecisionSerializer):
    legal_basis = serializers.ListField(
        child=serializers.CharField(), help_text="The legal basis, one entry per law or article."
    )
    options = OptionSerializer(many=True, help_text="Alternative options (第十三条).")
    open_tasks = serializers.SerializerMethodField()
    legality_review = serializers.SerializerMethodField()
    agenda_items = serializers.SerializerMethodField()

    class Meta(DecisionSerializer.Meta):
        fields = [
            *DecisionSerializer.Meta.fields,
            "problem",
            "necessity",
            "legal_basis",
            "draft_text",
            "options",
            "out_of_catalogue_reason",
            "not_disclosable",
            "not_disclosable_reason",
            "hearing_needed",
            "expert_argumentation_needed",
            "affects_market_actors",
            "fair_competition_review",
            "start_decided_by",
            "start_decided_on",
            "start_reference",
            "drafting_explanation",
            "legality_review",
            "agenda_items",
            "open_tasks",
        ]

    @extend_schema_field(LegalityReviewBriefSerializer(allow_null=True))
    def get_legality_review(self, decision) -> dict | None:
        review = (
            decision.legality_reviews.select_related("review_office")
            .order_by("-submitted_at", "-pk")
            .first()
        )
        return LegalityReviewBriefSerializer(review).data if review is not None else None

    @extend_schema_field(DecisionAgendaItemSerializer(many=True))
    def get_agenda_items(self, decision) -> list[dict]:
        items = (
            decision.agenda_items.exclude(session=None)
            .select_related("session__government", "deliberation")
            .order_by("session__held_at", "session_id", "order")
        )
        return DecisionAgendaItemSerializer(items, many=True).data

    @staticmethod
    def _open_tasks(decision) -> list:
        return list(
            Task.objects.filter(
                process_id__in=DecisionProcess.objects.filter(decision=decision).values("pk"),
                status__in=OPEN,
            )
            .select_related("owner")
            .order_by("pk")
        )

    @extend_schema_field(OpenTaskSerializer(many=True))
    def get_open_tasks(self, decision) -> list[dict]:
        answer = []
        for task in self._open_tasks(decision):
            node = task.flow_task.name if task.flow_task else ""
            declared = BY_NODE.get(node)
            answer.append(
                {
                    "id": task.pk,
                    "node": node,
                    "status": task.status,
                    "owner": task.owner.get_username() if task.owner_id else None,
                    "routes": [a.route for a in declared.actions.values()] if declared else [],
                    "roles": list(declared.roles) if declared else [],
                }
            )
        return answer


class DecisionQuerySerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices, required=False)
    unit = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, required=False, help_text="The lead unit."
    )
    year = serializers.IntegerField(
        min_value=2000, max_value=2100, required=False, help_text="The year it was initiated."
    )


class DecisionCreateSerializer(serializers.Serializer):
    """The proposal (第十条): normally from a published catalogue item (第三条)."""

    lead_unit = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    catalogue_item = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, required=False, allow_null=True
    )
    out_of_catalogue_reason = serializers.CharField(required=False, allow_blank=True)
    title = serializers.CharField(max_length=300)
    problem = serializers.CharField()
    necessity = serializers.CharField(required=False, allow_blank=True)
    legal_basis = serializers.ListField(child=serializers.CharField(max_length=500))
    # The government's decision to start it (第十条): here or with the draft, before submission.
    start_decided_by = serializers.CharField(max_length=200, required=False, allow_blank=True)
    start_decided_on = serializers.DateField(required=False, allow_null=True)
    start_reference = serializers.CharField(max_length=200, required=False, allow_blank=True)


class TaskCompleteSerializer(serializers.Serializer):
    action = serializers.ChoiceField(
        choices=sorted({a for actions in taskapi.node_actions().values() for a in actions}),
        help_text="One action of the task's page (see the decision's sub-routes for each "
        "action's fields).",
    )
    data = serializers.DictField(
        required=False,
        default=dict,
        help_text="The action's fields: the JSON object the decision's sub-route of that step "
        "takes (its request schema, e.g. DecisionDraftRequest for `draft`).",
    )


class TaskActResultSerializer(serializers.Serializer):
    done = serializers.BooleanField(help_text="True when the step is finished.")
    task = TaskSerializer()
    decision = DecisionSerializer()
