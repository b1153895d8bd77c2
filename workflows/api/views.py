"""API base classes, and the endpoints of the shared machinery.

Other apps add their endpoints on the same base::

    class DecisionViewSet(StaffViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
        serializer_class = DecisionSerializer

        def visible_queryset(self):
            return decisions_visible(user=self.request.user)   # their selector

and register them on ``config.api.router``. An object outside ``visible_queryset()`` is a 404,
exactly like one that does not exist; a forbidden action on a visible object is a 403
(``django.core.exceptions.PermissionDenied`` from the service); a state that moved on is a 409
(``workflows.errors.StaleState`` or ``workflows.api.exceptions.Conflict``).
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView
from viewflow.workflow.models import Task

from workflows.clocks.models import Deadline, Notification
from workflows.clocks.services import notification_mark_read, notifications_mark_all_read
from workflows.models import Unit
from workflows.record.access import can_view_subject_record, subject_load
from workflows.record.models import Event
from workflows.record.selectors import SubjectKey, events_for, subject_key_parse
from workflows.record.verify import events_check, record_verify

from . import selectors, serializers
from .exceptions import ErrorSerializer
from .pagination import CursorPage
from .permissions import IsStaffMember, is_administrator
from .services import task_claim
from .throttling import PublicRateThrottle


def error_response(description: str) -> OpenApiResponse:
    """An error response for ``extend_schema(responses={409: error_response("...")})``."""
    return OpenApiResponse(response=ErrorSerializer, description=description)


def query_params(serializer_class, request) -> dict:
    """The request's query parameters validated by ``serializer_class``: bad ones are a 400."""
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def visible_object_or_404(queryset: QuerySet, **lookup):
    """The one object of ``queryset`` (already filtered to what the caller may see) matching
    ``lookup``; a 404 when there is none, whether it is missing or only invisible."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError, DjangoValidationError) as error:
        raise NotFound() from error


class VisibleObjectMixin:
    """``get_queryset()`` is what the caller may see; ``get_object()`` 404s outside it.

    Override ``visible_queryset()`` (detail and actions) and, when a list shows less than the
    caller may open (an inbox), ``list_queryset()``.
    """

    def visible_queryset(self) -> QuerySet:
        raise NotImplementedError(f"{type(self).__name__} must define visible_queryset()")

    def list_queryset(self) -> QuerySet:
        return self.visible_queryset()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request user
            return self.queryset
        if getattr(self, "action", None) == "list":
            return self.list_queryset()
        return self.visible_queryset()


class StaffViewSet(VisibleObjectMixin, viewsets.GenericViewSet):
    """Base of every staff resource: token or session login, cursor pages, numeric ids."""

    permission_classes = [IsStaffMember]
    pagination_class = CursorPage
    lookup_value_converter = "int"


# --- organisation ---------------------------------------------------------------------------


@extend_schema(tags=["organisation"])
class UnitViewSet(StaffViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Units: the government, its departments and townships."""

    serializer_class = serializers.UnitSerializer
    queryset = Unit.objects.none()
    ordering = "id"

    def visible_queryset(self):
        return selectors.units_visible(user=self.request.user)

    def list_queryset(self):
        params = query_params(serializers.UnitQuerySerializer, self.request)
        units = self.visible_queryset()
        if "kind" in params:
            units = units.filter(kind=params["kind"])
        if "parent" in params:
            units = units.filter(parent_id=params["parent"])
        return units

    @extend_schema(parameters=[serializers.UnitQuerySerializer])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


@extend_schema(tags=["organisation"])
class PersonViewSet(StaffViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Staff with their unit and roles. E-mail addresses: one's own, or all for administrators."""

    serializer_class = serializers.PersonSerializer
    queryset = get_user_model().objects.none()
    ordering = "id"

    def visible_queryset(self):
        return selectors.people_visible(user=self.request.user)

    def list_queryset(self):
        params = query_params(serializers.PersonQuerySerializer, self.request)
        people = self.visible_queryset()
        if "unit" in params:
            people = people.filter(profile__unit_id=params["unit"])
        if "role" in params:
            people = selectors.people_with_role(people, role=params["role"])
        return people

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["viewer_is_administrator"] = is_administrator(self.request.user)
        return context

    @extend_schema(parameters=[serializers.PersonQuerySerializer])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


# --- tasks ----------------------------------------------------------------------------------


@extend_schema(tags=["tasks"])
class TaskViewSet(StaffViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """My inbox across both processes; any task offered to me (open or not) by id."""

    serializer_class = serializers.TaskSerializer
    queryset = Task.objects.none()
    ordering = "-id"

    def visible_queryset(self):
        return selectors.tasks_visible(user=self.request.user)

    def list_queryset(self):
        return selectors.tasks_inbox(user=self.request.user)

    def list(self, request, *args, **kwargs):
        # Page over the bare task ids first (a page's worth per (role, unit) the caller holds,
        # never the whole inbox: issue 22), then load the page's tasks with what the
        # serializer shows.
        page = self.paginate_queryset(selectors.tasks_inbox_ids(user=request.user))
        tasks, offers = selectors.tasks_by_ids([task.pk for task in page])
        context = {**self.get_serializer_context(), "offers": offers}
        serializer = self.get_serializer(tasks, many=True, context=context)
        return self.get_paginated_response(serializer.data)

    @extend_schema(
        request=None,
        responses={
            200: serializers.TaskSerializer,
            403: error_response("The task is open but not offered to you."),
            409: error_response("Somebody claimed the task first, or it is no longer open."),
        },
    )
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        """Take the task: it leaves every other inbox. Exactly one of simultaneous claims wins."""
        task = task_claim(task=self.get_object(), user=request.user)
        return Response(self.get_serializer(self.visible_queryset().get(pk=task.pk)).data)


# --- the full-process record ----------------------------------------------------------------


class RecordView(APIView):
    """The full-process record of one subject, oldest event first, with its verification."""

    permission_classes = [IsStaffMember]

    @extend_schema(
        tags=["record"],
        parameters=[
            serializers.RecordQuerySerializer,
            OpenApiParameter("cursor", OpenApiTypes.STR, description="The page cursor."),
            OpenApiParameter(
                "page_size",
                {"type": "integer", "minimum": 1, "maximum": CursorPage.max_page_size},
                description="Events per page.",
            ),
        ],
        responses={
            200: serializers.RecordPageSerializer,
            404: error_response("No such subject, or one whose record the caller may not read."),
        },
    )
    def get(self, request):
        text = query_params(serializers.RecordQuerySerializer, request)["subject"]
        key = self._subject_key(text)
        subject = subject_load(key)
        if not can_view_subject_record(user=request.user, key=key, subject=subject):
            raise NotFound()
        events = events_for(key)
        if subject is None and not events.exists():
            raise NotFound()
        paginator = CursorPage()
        page = paginator.paginate_queryset(events, request, view=self)
        checks = events_check(page)
        result = record_verify(subject=key)
        return Response(
            {
                "subject": key.label,
                "subject_exists": subject is not None,
                "verification": serializers.VerificationSerializer(result).data,
                "next": paginator.get_next_link(),
                "previous": paginator.get_previous_link(),
                "next_cursor": paginator.get_next_cursor(),
                "previous_cursor": paginator.get_previous_cursor(),
                "results": serializers.EventSerializer(
                    page, many=True, context={"checks": checks}
                ).data,
            }
        )

    ordering = "seq"

    @staticmethod
    def _subject_key(text: str) -> SubjectKey:
        if ":" not in text or "." not in text.partition(":")[0]:
            raise ValidationError({"subject": [_("Enter the subject as APP_LABEL.MODEL:ID.")]})
        try:
            key = subject_key_parse(text)
        except ValueError as error:  # no such model: as unknown as a subject one may not see
            raise NotFound() from error
        if len(key.object_id) > Event._meta.get_field("object_id").max_length:
            raise NotFound()
        return key


# --- deadlines and notifications ------------------------------------------------------------


@extend_schema(tags=["deadlines"])
class DeadlineViewSet(StaffViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """The legal clocks I answer for (named responsible, or head of the responsible unit)."""

    serializer_class = serializers.DeadlineSerializer
    queryset = Deadline.objects.none()
    ordering = "id"

    def visible_queryset(self):
        return selectors.deadlines_mine(user=self.request.user)

    def list_queryset(self):
        params = query_params(serializers.DeadlineQuerySerializer, self.request)
        deadlines = self.visible_queryset()
        if params.get("overdue") is not None:
            deadlines = selectors.deadlines_overdue(deadlines, overdue=params["overdue"])
        if "status" in params:
            deadlines = deadlines.filter(status=params["status"])
        return deadlines

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    @extend_schema(parameters=[serializers.DeadlineQuerySerializer])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


@extend_schema(tags=["notifications"])
class NotificationViewSet(StaffViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """My in-app notifications, newest first."""

    serializer_class = serializers.NotificationSerializer
    queryset = Notification.objects.none()
    ordering = "-id"

    def visible_queryset(self):
        return selectors.notifications_mine(user=self.request.user)

    def list_queryset(self):
        params = query_params(serializers.NotificationQuerySerializer, self.request)
        notifications = self.visible_queryset()
        if params.get("unread") is not None:
            notifications = notifications.filter(read_at__isnull=params["unread"])
        return notifications

    @extend_schema(parameters=[serializers.NotificationQuerySerializer])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=None, responses={200: serializers.NotificationSerializer})
    @action(detail=True, methods=["post"], url_path="mark-read")
    def mark_read(self, request, pk=None):
        """Mark one notification read (again is harmless)."""
        notification = self.get_object()
        notification_mark_read(notification=notification)
        notification.refresh_from_db()
        return Response(self.get_serializer(notification).data)

    @extend_schema(request=None, responses={200: serializers.MarkedSerializer})
    @action(detail=False, methods=["post"], url_path="mark-all-read")
    def mark_all_read(self, request):
        """Mark every unread notification of mine read."""
        return Response({"marked": notifications_mark_all_read(user=request.user)})


# --- public ---------------------------------------------------------------------------------


class HealthView(APIView):
    """Public liveness probe, rate-limited like every public endpoint."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicRateThrottle]

    @extend_schema(tags=["public"], responses={200: serializers.HealthSerializer}, auth=[])
    def get(self, request):
        return Response({"status": "ok"})


@extend_schema(exclude=True)
class NotFoundView(APIView):
    """Unknown paths under /api/ answer in the API's error shape, not the HTML 404 page."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    def initial(self, request, *args, **kwargs):
        raise Http404
