"""/api/v1/tasks/{id}/complete/: completing a task of either process with its page's payload."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from viewflow.workflow.models import Task

from workflows.api.selectors import tasks_visible
from workflows.api.serializers import TaskSerializer
from workflows.api.views import StaffViewSet, error_response
from workflows.connections import read_after_commit

from .. import taskapi
from ..apiserializers import DecisionSerializer, TaskActResultSerializer, TaskCompleteSerializer
from ..models import Decision
from ..selectors import decision_is_visible, decisions_visible_to
from .routes import _task_act


@extend_schema(tags=["tasks"])
class TaskCompleteViewSet(StaffViewSet):
    """POST /tasks/{id}/complete/: act on a task with its page's payload."""

    queryset = Task.objects.none()
    serializer_class = TaskActResultSerializer

    def visible_queryset(self):
        return tasks_visible(user=self.request.user)

    @extend_schema(
        request=TaskCompleteSerializer,
        responses={
            200: TaskActResultSerializer,
            400: error_response("Bad action or fields; `errors` names them (data.<field>)."),
            403: error_response("The task is open but not offered to you."),
            409: error_response("The task was completed or taken by somebody else first."),
        },
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """Perform one action of the task's page (``action``) with its fields (``data``),
        exactly as the page does: the same service, and the task finishes when the step is
        done. Of simultaneous completions exactly one wins; the others get 409."""
        task = self.get_object()
        decision = Decision.objects.filter(process__pk=task.process_id).first()
        if not taskapi.is_decision_task(task) or decision is None:
            raise ValidationError(
                {"non_field_errors": [_("This task cannot be completed through the API.")]}
            )
        if not decision_is_visible(user=request.user, decision=decision):
            raise NotFound()
        serializer = TaskCompleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        name = serializer.validated_data["action"]
        if name not in taskapi.task_actions(task.flow_task):
            raise ValidationError(
                {"action": [_("This task has no action “%(name)s”.") % {"name": name}]}
            )
        try:
            done = _task_act(request, task, name, serializer.validated_data["data"])
        except ValidationError as error:  # the fields of ``data``, named as such
            raise ValidationError({"data": error.detail}) from error
        task_pk, decision_pk = task.pk, decision.pk
        task, decision = read_after_commit(
            lambda: (
                self.visible_queryset().get(pk=task_pk),
                decisions_visible_to(user=request.user, pk=decision_pk)
                .select_related("lead_unit", "government")
                .get(),
            )
        )
        return Response(
            {
                "done": done,
                "task": TaskSerializer(task).data,
                "decision": DecisionSerializer(decision).data,
            }
        )
