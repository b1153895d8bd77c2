"""/api/v1/sessions/: the numbered sessions of a government's meetings (第三十条), the people
eligible for a session's attendance, and the meeting secretary's planning, opening and concluding
of a session. A decision's ``meeting-schedule`` takes one of their ids.
"""

from contextlib import contextmanager

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from workflows.api.exceptions import Conflict
from workflows.api.schema import roles_extension, roles_sentence
from workflows.api.serializers import UnitBriefSerializer
from workflows.api.views import StaffViewSet, error_response
from workflows.connections import read_after_commit
from workflows.models import Unit
from workflows.permissions import has_role_in_unit

from .. import services
from ..documents import session_title
from ..models import Meeting, Session
from ..session_selectors import sessions_visible_to
from ..steps.base import people_with_role


class SessionSerializer(serializers.Serializer):
    """A numbered session of a government's executive or plenary meeting (第三十条)."""

    id = serializers.IntegerField()
    title = serializers.SerializerMethodField(
        help_text="As its official papers name it (乌恰县人民政府第N次常务会议)."
    )
    government = UnitBriefSerializer()
    kind = serializers.ChoiceField(choices=Meeting.Kind.choices)
    year = serializers.IntegerField()
    number = serializers.IntegerField()
    held_at = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=Session.Status.choices)
    principal = serializers.IntegerField(source="principal_id", help_text="A person's id.")
    secretary = serializers.IntegerField(source="secretary_id", help_text="A person's id.")
    opened_at = serializers.DateTimeField(allow_null=True)
    concluded_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(serializers.CharField())
    def get_title(self, session) -> str:
        return session_title(session)


class SessionPlanSerializer(serializers.Serializer):
    government = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    kind = serializers.ChoiceField(choices=Meeting.Kind.choices)
    held_at = serializers.DateTimeField()
    principal = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, help_text="The administrative head who chairs it."
    )


class AbsenceSerializer(serializers.Serializer):
    person = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)


class SessionOpenSerializer(serializers.Serializer):
    """The attendance: every member (``…/members/``) present or absent with the reason."""

    present = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    )
    absent = AbsenceSerializer(many=True, required=False, default=list)


class MemberSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()


SECRETARY = (("meeting_secretary", "government"),)
SESSION_STATE_CODES = ("session_open", "session_not_open")


@contextmanager
def _session_state_conflicts():
    """A session no longer (or not yet) in the state for the action: 409, not 400."""
    try:
        yield
    except DjangoValidationError as error:
        codes = {e.code for e in error.error_list}
        if codes & set(SESSION_STATE_CODES):
            code = (codes & set(SESSION_STATE_CODES)).pop()
            raise Conflict(detail=error.messages[0], code=code) from error
        raise


@extend_schema(tags=["sessions"])
class SessionViewSet(StaffViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """Numbered sessions (第三十条) as the sessions page shows them: a decision's ``meeting-schedule``
    takes one of their ids; the secretary plans, opens (with attendance) and concludes them."""

    queryset = Session.objects.none()
    serializer_class = SessionSerializer
    ordering = "-id"

    def visible_queryset(self):
        return sessions_visible_to(self.request.user).select_related("government")

    def _government_session(self, request) -> Session:
        session = self.get_object()
        if not has_role_in_unit(
            user=request.user, role="meeting_secretary", unit=session.government
        ):
            raise PermissionDenied
        return session

    def _answer(self, pk, code=status.HTTP_200_OK):
        session = read_after_commit(lambda: self.visible_queryset().get(pk=pk))
        return Response(SessionSerializer(session).data, status=code)

    @extend_schema(
        request=SessionPlanSerializer,
        responses={
            201: SessionSerializer,
            403: error_response("The caller is not the government's meeting secretary."),
        },
        extensions=roles_extension(SECRETARY),
        description=f"Plan the government's next numbered session.\n\n{roles_sentence(SECRETARY)}",
    )
    def create(self, request):
        body = SessionPlanSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        government = Unit.objects.filter(pk=data["government"]).first()
        principal = get_user_model().objects.filter(pk=data["principal"]).first()
        if government is None:
            raise ValidationError({"government": [_("No such unit.")]})
        if principal is None:
            raise ValidationError({"principal": [_("No such person.")]})
        session = services.session_plan(
            government=government,
            by=request.user,
            kind=data["kind"],
            held_at=data["held_at"],
            principal=principal,
        )
        return self._answer(session.pk, status.HTTP_201_CREATED)

    @extend_schema(responses={200: MemberSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def members(self, request, pk=None):
        """The people eligible for the session's attendance (``open``'s ``present`` and
        ``absent``): the government's meeting members, its chair left out."""
        session = self.get_object()
        people = (
            people_with_role("meeting_member", session.government)
            .exclude(pk=session.principal_id)
            .order_by("pk")
        )
        self.ordering = "id"  # the people in order, as the attendance form lists them
        page = self.paginate_queryset(people)
        return self.get_paginated_response(
            [{"id": p.pk, "username": p.get_username(), "name": p.get_full_name()} for p in page]
        )

    @extend_schema(
        request=SessionOpenSerializer,
        responses={
            200: SessionSerializer,
            403: error_response("The caller is not the government's meeting secretary."),
            409: error_response("The session is open or concluded already."),
        },
        extensions=roles_extension(SECRETARY),
        description="Open the session with its attendance (refused below quorum, 第三十条): "
        f"each item on its agenda gets its deliberation.\n\n{roles_sentence(SECRETARY)}",
    )
    @action(detail=True, methods=["post"])
    def open(self, request, pk=None):
        with _session_state_conflicts():
            return self._open(request)

    def _open(self, request):
        session = self._government_session(request)
        body = SessionOpenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ids = [
            *body.validated_data["present"],
            *(a["person"] for a in body.validated_data["absent"]),
        ]
        people = get_user_model().objects.in_bulk(ids)
        unknown = [pk for pk in ids if pk not in people]
        if unknown:
            raise ValidationError({"present": [_("No such person.")]})
        services.session_open(
            session=session,
            by=request.user,
            present=[people[pk] for pk in body.validated_data["present"]],
            absent=[
                (people[a["person"]], a.get("reason", "")) for a in body.validated_data["absent"]
            ],
        )
        return self._answer(session.pk)

    @extend_schema(
        request=None,
        responses={
            200: SessionSerializer,
            400: error_response("An item on the agenda is not decided yet (`items_undecided`)."),
            403: error_response("The caller is not the government's meeting secretary."),
            409: error_response("The session is not in session (planned, or concluded)."),
        },
        extensions=roles_extension(SECRETARY),
        description="Conclude the session once the head has decided every item on its agenda."
        f"\n\n{roles_sentence(SECRETARY)}",
    )
    @action(detail=True, methods=["post"])
    def conclude(self, request, pk=None):
        session = self._government_session(request)
        with _session_state_conflicts():
            services.session_conclude(session=session, by=request.user)
        return self._answer(session.pk)
