"""Read representations of the shared machinery, and the query parameters of its lists.

Serializers only shape data: no business rule lives here (style.md). Every field reads a
column or a relation the selector already loaded.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from workflows.clocks.models import Deadline, Notification
from workflows.models import Unit
from workflows.record.models import Event
from workflows.roles import ROLES

ACT_AS = "act_as_"


class UnitBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "name"]


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "name", "short_name", "issuer_code", "kind", "parent"]


class UnitQuerySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Unit.Kind.choices, required=False)
    parent = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False)


class RoleGrantSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=list(ROLES))
    unit = serializers.IntegerField()


class PersonSerializer(serializers.Serializer):
    """A member of staff. E-mail only for themselves and for administrators; never a password."""

    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.SerializerMethodField()
    unit = UnitBriefSerializer(source="profile.unit")
    job_title = serializers.CharField(source="profile.job_title")
    roles = serializers.SerializerMethodField()
    email = serializers.SerializerMethodField()

    def get_full_name(self, person) -> str:
        return person.get_full_name() or person.get_username()

    @extend_schema_field(RoleGrantSerializer(many=True))
    def get_roles(self, person) -> list[dict]:
        grants = [
            {"role": grant.permission.codename.removeprefix(ACT_AS), "unit": int(grant.object_pk)}
            for grant in getattr(person, "unit_grants", [])
        ]
        return sorted(grants, key=lambda grant: (grant["role"], grant["unit"]))

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_email(self, person) -> str | None:
        viewer = self.context["request"].user
        if viewer.pk == person.pk or self.context.get("viewer_is_administrator"):
            return person.email
        return None


class PersonQuerySerializer(serializers.Serializer):
    unit = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False)
    role = serializers.ChoiceField(choices=list(ROLES), required=False)


class TaskOfferSerializer(serializers.Serializer):
    role = serializers.CharField()
    unit = UnitBriefSerializer()


class TaskSerializer(serializers.Serializer):
    """A human task of either process, as the inbox shows it.

    ``to_representation`` writes the declared fields' values directly: DRF's walk copies the
    declared fields for every serializer and asks each field of each task in turn, which cost
    more than the values (issue 22: the staff site's scripts ask for the task list). The
    declared fields still describe the schema, and give the same values
    (tests/api/test_task_representation.py)."""

    id = serializers.IntegerField()
    flow = serializers.SerializerMethodField()
    node = serializers.SerializerMethodField()
    title = serializers.SerializerMethodField()
    status = serializers.CharField()
    created = serializers.DateTimeField()
    assigned = serializers.DateTimeField(allow_null=True)
    finished = serializers.DateTimeField(allow_null=True)
    owner = serializers.SerializerMethodField()
    process = serializers.IntegerField(source="process_id")
    process_title = serializers.SerializerMethodField()
    offered_to = serializers.SerializerMethodField()
    offers = serializers.SerializerMethodField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._node_labels: dict = {}

    def to_representation(self, task) -> dict:
        offers = self.get_offers(task)
        labels = self._labels(task)
        return {
            "id": int(task.id),
            "flow": labels[0],
            "node": labels[1],
            "title": labels[2],
            "status": str(task.status),
            "created": _moment(task.created),
            "assigned": _moment(task.assigned),
            "finished": _moment(task.finished),
            "owner": self.get_owner(task),
            "process": int(task.process_id),
            "process_title": labels[3],
            "offered_to": offers[0] if offers else None,
            "offers": offers,
        }

    def _labels(self, task) -> tuple[str, str, str, str]:
        """The task's flow, node, title and process title: the same for every task of one
        node of one flow, so asked once per node for the tasks this serializer writes (one
        request, one language)."""
        key = (task.flow_task, task.process.flow_class)
        if key not in self._node_labels:
            self._node_labels[key] = (
                self.get_flow(task),
                self.get_node(task),
                self.get_title(task),
                self.get_process_title(task),
            )
        return self._node_labels[key]

    def get_flow(self, task) -> str:
        flow_task = task.flow_task
        return flow_task.flow_class.instance.flow_label if flow_task else ""

    def get_node(self, task) -> str:
        return task.flow_task.name if task.flow_task else ""

    def get_title(self, task) -> str:
        return str(task.title or "")

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_owner(self, task) -> str | None:
        return task.owner.get_username() if task.owner_id else None

    def get_process_title(self, task) -> str:
        flow_class = task.process.flow_class
        return str(flow_class.process_title) if flow_class else ""

    @extend_schema_field(TaskOfferSerializer(allow_null=True))
    def get_offered_to(self, task) -> dict | None:
        """The step's own offer (the first made); ``offers`` lists every one."""
        offers = self.get_offers(task)
        return offers[0] if offers else None  # none: a task nobody was offered (system)

    @extend_schema_field(TaskOfferSerializer(many=True))
    def get_offers(self, task) -> list[dict]:
        """Every (role, unit) the task is offered to: whoever holds one of them may take it."""
        # Read with the page (``context["offers"]``, by task id), or prefetched in order
        # (workflows.inbox.with_offers).
        offers = self.context.get("offers")
        return [
            {"role": offer.role, "unit": {"id": offer.unit.pk, "name": offer.unit.name}}
            for offer in (offers[task.pk] if offers is not None else task.offers.all())
        ]


_DATETIME = serializers.DateTimeField()


def _moment(value) -> str | None:
    """``value`` as a ``DateTimeField`` writes it (ISO 8601 in the current time zone)."""
    return None if value is None else _DATETIME.to_representation(value)


class EventCheckSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    reason = serializers.CharField(allow_null=True)


class EventSerializer(serializers.ModelSerializer):
    """One record event with whether it verifies (``check``)."""

    actor_user = serializers.IntegerField(source="actor_user_id", allow_null=True)
    payload = serializers.DictField(
        help_text="What the action recorded: its own keys, in the record as hashed."
    )
    check = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = [
            "seq",
            "at",
            "actor_kind",
            "actor_user",
            "actor_label",
            "action",
            "payload",
            "prev_hash",
            "hash",
            "hash_sm3",
            "check",
        ]

    @extend_schema_field(EventCheckSerializer)
    def get_check(self, event) -> dict:
        check = self.context["checks"][event.seq]
        return {"ok": check.ok, "reason": check.reason}


class VerificationSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    checked = serializers.IntegerField()
    broken_seq = serializers.IntegerField(allow_null=True)
    reason = serializers.CharField(allow_null=True)
    detail = serializers.CharField(allow_blank=True)


class RecordPageSerializer(serializers.Serializer):
    """The record of one subject: a page of its events and the verification of all of them."""

    subject = serializers.CharField(help_text=_("APP_LABEL.MODEL:ID"))
    subject_exists = serializers.BooleanField()
    verification = VerificationSerializer()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    next_cursor = serializers.CharField(
        allow_null=True, help_text="The `cursor` of the next page, or null on the last."
    )
    previous_cursor = serializers.CharField(
        allow_null=True, help_text="The `cursor` of the previous page, or null on the first."
    )
    results = EventSerializer(many=True)


class RecordQuerySerializer(serializers.Serializer):
    subject = serializers.RegexField(
        r"^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*:[^\s]{1,64}$",
        max_length=200,
        help_text=_("The subject as APP_LABEL.MODEL:ID, e.g. decisions.decision:42"),
        error_messages={"invalid": _("Enter the subject as APP_LABEL.MODEL:ID.")},
    )


class DeadlineSerializer(serializers.ModelSerializer):
    subject = serializers.SerializerMethodField()
    responsible_unit = UnitBriefSerializer()
    is_overdue = serializers.SerializerMethodField()
    due = serializers.DateField(
        allow_null=True,
        read_only=True,
        help_text=_(
            "Null while the clock awaits the State Council's holiday notice of "
            "awaiting_holiday_notice (domain.md §4): computed once the notice is entered."
        ),
    )
    awaiting_holiday_notice = serializers.IntegerField(
        source="awaiting_year",
        allow_null=True,
        read_only=True,
        help_text=_("The year whose holiday notice the due date waits for, or null."),
    )

    class Meta:
        model = Deadline
        fields = [
            "id",
            "subject",
            "subject_label",
            "rule_key",
            "rule_description",
            "legal_source",
            "start",
            "unit",
            "amount",
            "due",
            "awaiting_holiday_notice",
            "status",
            "is_overdue",
            "opened_at",
            "met_at",
            "waived_at",
            "waived_reason",
            "responsible_unit",
        ]

    def get_subject(self, deadline) -> str:
        content_type = deadline.content_type
        return f"{content_type.app_label}.{content_type.model}:{deadline.object_id}"

    def get_is_overdue(self, deadline) -> bool:
        return deadline.status == Deadline.Status.OVERDUE or (
            deadline.status == Deadline.Status.OPEN
            and deadline.due is not None
            and deadline.due < self.context["today"]
        )


class DeadlineQuerySerializer(serializers.Serializer):
    overdue = serializers.BooleanField(required=False, allow_null=True, default=None)
    status = serializers.ChoiceField(choices=Deadline.Status.choices, required=False)


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "title", "body", "url", "created_at", "read_at"]


class NotificationQuerySerializer(serializers.Serializer):
    unread = serializers.BooleanField(required=False, allow_null=True, default=None)


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text=_("How many notifications were unread."))


class HealthSerializer(serializers.Serializer):
    status = serializers.CharField()
