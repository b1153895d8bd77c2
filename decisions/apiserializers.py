"""The representations of /api/v1/decisions/ and /api/v1/tasks/{id}/complete/: what a decision,
its open tasks and a task's result look like, and the bodies the routes take
(``decisions.api`` holds the routes)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from viewflow.workflow.models import Task

from workflows.api.serializers import TaskSerializer, UnitBriefSerializer
from workflows.tasking import OPEN

from . import taskapi
from .models import Decision, DecisionProcess, RiskLevel, Stage

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


class OpenTaskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    node = serializers.CharField()
    status = serializers.CharField()
    owner = serializers.CharField(allow_null=True)


class DecisionDetailSerializer(DecisionSerializer):
    open_tasks = serializers.SerializerMethodField()

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
            "open_tasks",
        ]

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
        return [
            {
                "id": task.pk,
                "node": task.flow_task.name if task.flow_task else "",
                "status": task.status,
                "owner": task.owner.get_username() if task.owner_id else None,
            }
            for task in self._open_tasks(decision)
        ]


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


class TaskCompleteSerializer(serializers.Serializer):
    action = serializers.ChoiceField(
        choices=sorted({a for actions in taskapi.node_actions().values() for a in actions}),
        help_text="One action of the task's page (see the decision's sub-routes for each "
        "action's fields).",
    )
    data = serializers.DictField(
        required=False,
        default=dict,
        help_text="The action's fields, as the decision's sub-route of that step takes them.",
    )


class TaskActResultSerializer(serializers.Serializer):
    done = serializers.BooleanField(help_text="True when the step is finished.")
    task = TaskSerializer()
    decision = DecisionSerializer()
