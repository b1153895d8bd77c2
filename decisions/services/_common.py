"""Guards shared by the decision services: roles, stages and the archive seal."""

from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import F, Func, IntegerField, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflows.composed import composed_first, composed_get, composed_rows
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


def _decision_key(name: str) -> tuple:
    """A read of one decision composed once (``workflows.composed``) per ``name``: the
    decision's content type is an argument of some of these statements (a consultation's
    subject), so a database numbering it anew composes them anew."""
    return (name, ContentType.objects.get_for_model(Decision).pk)


def decision_row(name: str, compose: Callable[[int], QuerySet], decision: Decision) -> tuple:
    """``compose(decision.pk).get()``, for a ``values_list`` of one decision (its facts, read
    in one statement, composing a dozen sub-selects once rather than at every call) in which
    nothing but the decision's id changes from call to call."""
    pk = decision if isinstance(decision, int) else decision.pk
    rows = composed_rows(_decision_key(name), compose, pk)
    if not rows:
        raise Decision.DoesNotExist("Decision matching query does not exist.")
    (row,) = rows  # by its primary key: one row
    return tuple(row)


def decision_first(name: str, compose: Callable[[int], QuerySet], decision: Decision):
    """``compose(decision.pk)[:1]``'s instance, or None: the first of the decision's rows of
    a model with a ``decision`` foreign key, in the order ``compose`` gives, its statement
    composed once, with its decision set as ``decision.<related>.first()`` leaves it."""
    instance = composed_first(_decision_key(name), compose, decision.pk)
    if instance is not None:
        instance.decision = decision
    return instance


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
    decision = composed_get(("decision locked",), _decision_locked, pk)
    row_hold(decision)
    return decision


def _decision_locked(pk: int) -> QuerySet:
    return (
        Decision.objects.select_for_update(of=("self",))
        .select_related("lead_unit", "government")
        .filter(pk=pk)
    )


# --- reads kept while a row is held ---------------------------------------------------------------
#
# One task action asks the same question of a decision more than once: the bench or a page
# finds the latest legality review, the service locks and changes it, then the flow's Switch asks
# whether it was returned and whether it awaits approval; the timer asks the consultation just
# opened for its closing moment; each statement of a meeting asks who is present and who spoke.
# While this transaction holds the row (``lock``, ``meeting._lock_meeting``), nobody else can
# write what is asked: every service that does locks that row first. So the first answer is
# kept beside the held row and given again, and a service writing it in this same transaction
# replaces or forgets it. The kept answers go with the hold: once the row is no longer held (the
# transaction ended, a savepoint was opened since: ``workflows.locks.row_held``), the question
# is asked of the database again. Never across transactions, never for a row not held.

_KEPT = "_fazhi_held_row_reads"


def _kept(row, *, create: bool) -> dict | None:
    """What is kept for ``row`` (a model instance, or a decision's id) while this transaction
    holds it, or None when it is not held (or nothing is kept yet and ``create`` is false)."""
    model, pk = (Decision, row) if isinstance(row, int) else (type(row), row.pk)
    held = row_held(model, pk)
    if held is None:
        return None
    store = getattr(connection, _KEPT, None)
    if store is None:
        store = {}
        setattr(connection, _KEPT, store)
    entry = store.get((model, pk))
    if entry is not None and entry[0] is held:
        return entry[1]
    if not create:
        return None
    # What earlier holds kept is void: dropped here so that a long-lived connection keeps
    # only the rows its current transaction holds.
    void = [key for key, (instance, _kept) in store.items() if row_held(*key) is not instance]
    for key in void:
        del store[key]
    store[(model, pk)] = (held, {})
    return store[(model, pk)][1]


def held_read(row, key: str, read):
    """``read()``, asked once while this transaction holds ``row`` (see above): later calls
    with the same ``key`` get the same answer without a statement."""
    kept = _kept(row, create=True)
    if kept is None:
        return read()
    if key not in kept:
        kept[key] = read()
    return kept[key]


def held_remember(row, key: str, value) -> None:
    """``value`` is now the answer to ``key`` (the service has just written it)."""
    kept = _kept(row, create=True)
    if kept is not None:
        kept[key] = value


def held_written(row, key: str, instance) -> None:
    """``instance`` was just saved: when it is the row kept under ``key``, it replaces it (the
    kept copy is stale); another row leaves the answer as it was."""
    kept = _kept(row, create=False)
    if kept is not None and getattr(kept.get(key), "pk", None) == instance.pk:
        kept[key] = instance


def held_forget(key: str, row=None) -> None:
    """Forget ``key`` for ``row``, or for every held row when a write that did not go through
    a kept instance (a ``QuerySet.update``) may have changed any of them."""
    if row is not None:
        kept = _kept(row, create=False)
        if kept is not None:
            kept.pop(key, None)
        return
    for _instance, kept in getattr(connection, _KEPT, {}).values():
        kept.pop(key, None)


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
