"""Guards shared by the decision services: roles, stages and the archive seal."""

from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Func, IntegerField, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflows.locks import row_held, row_hold
from workflows.permissions import has_role_in_unit

from ..models import Decision, Stage


def act_time(at: datetime | None) -> datetime:
    """When the act happened: ``at`` when it is entered after the fact (a past moment the
    person states), else now. The annual report counts by this time; the record event keeps
    the time of entry as its own ``created_at`` and the act's date as ``"on"``."""
    if at is not None and at > timezone.now():
        raise ValidationError(_("An act cannot be dated in the future."), code="act_in_future")
    return at or timezone.now()


def count_of(rows: QuerySet) -> Subquery:
    """The number of ``rows`` (filtered on an ``OuterRef`` of the query it goes in) as a
    column: a checklist reads all its counts of one decision in one statement."""
    counted = rows.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Subquery(counted, output_field=IntegerField())


def act_on(at: datetime) -> dict:
    """The record payload entry for the date of the act, in Asia/Shanghai."""
    return {"on": timezone.localdate(at)}


def quorum() -> float:
    """Share of members that must be present, exclusive (default: more than half)."""
    return float(getattr(settings, "FAZHI_MEETING_QUORUM", 0.5))


def require_role(*, user, role: str, unit) -> None:
    """Refuse unless ``user`` holds ``role`` for ``unit`` (a grant for another unit is no use)."""
    if not (
        getattr(user, "is_authenticated", False)
        and has_role_in_unit(user=user, role=role, unit=unit)
    ):
        raise PermissionDenied(f"{role} for {unit} required")


def require_any_role(*, user, roles: tuple[str, ...], unit) -> None:
    if not any(
        getattr(user, "is_authenticated", False) and has_role_in_unit(user=user, role=r, unit=unit)
        for r in roles
    ):
        raise PermissionDenied(f"one of {roles} for {unit} required")


def lock(decision: Decision | int) -> Decision:
    """Reload the decision (given as itself or its id) under a row lock so two people cannot
    move it at once.

    Its units come in the same query, since every service checks a role against one of them;
    ``of=("self",)`` keeps the lock on the decision alone: locking the units too would queue
    every decision of the same unit behind this one.

    Locked already in this transaction (one task action: meeting_open, each statement, then
    meeting_decide), the decision read then is given back without a second lock
    (``workflows.locks.row_held`` says when that is safe). Every change to a decision goes
    through the instance this returns, which keeps it current.
    """
    pk = decision if isinstance(decision, int) else decision.pk
    held = row_held(Decision, pk)
    if held is not None:
        return held
    decision = (
        Decision.objects.select_for_update(of=("self",))
        .select_related("lead_unit", "government")
        .get(pk=pk)
    )
    row_hold(decision)
    return decision


def require_not_sealed(decision: Decision) -> None:
    """Sealing freezes the record (第三十三条): nothing recorded before the seal changes after it."""
    if decision.sealed_at is not None:
        raise ValidationError(
            _("This decision is archived and sealed; it cannot be changed."), code="sealed"
        )


def require_stage(decision: Decision, *stages: str) -> None:
    require_not_sealed(decision)
    if decision.stage not in stages:
        raise ValidationError(
            _("This step is not possible while the decision is at the stage “%(stage)s”."),
            code="wrong_stage",
            params={"stage": Stage(decision.stage).label},
        )


def missing_error(message, missing: list[str], code: str) -> ValidationError:
    """A refusal that names everything missing, so the person can fix it in one go."""
    error = ValidationError(message, code=code, params={"missing": ", ".join(missing)})
    error.missing = missing
    return error
