"""/api/v1/decisions/ and /api/v1/tasks/{id}/complete/: the decision procedure by API.

Every stage action is a POST sub-route of a decision. A step of the flow (drafting, the
consultation, the review, the meeting, …) runs through ``decisions.taskapi.task_act`` on the
decision's open task at that step: the page's form, its one service, and the page's
claim-and-finish of the viewflow task. A step outside the flow (hearing, expert opinion,
execution, post-evaluation, adjustment) runs the page's own view code
(``decisions.pageapi.page_act``) likewise. So the API holds no rule of its own: refusals come
from the same services with the same words. A step whose page takes files (the draft's
attachment, the consultation's public attachments) takes JSON at its route and, with the files,
``multipart/form-data`` at its own upload operation ``<route>/upload/``.

Each step operation names who may take it: ``x-roles`` in the schema and a sentence in its
description, from the step's declaration (``decisions.steps``; ``PAGE_ROLES`` for the steps
outside the flow, as their pages' ``may_act`` check them).

The decision's materials (attachments, post-evaluations, consultations) are sub-routes from
``decisions.pageapi``; the serializers are in ``decisions.apiserializers``.

routes.py    the stage actions' routes, who may take each, and how each one runs
decision.py  /api/v1/decisions/: decisions, their initiation and one operation per stage action
tasks.py     /api/v1/tasks/{id}/complete/: completing a task with its page's payload
sessions.py  /api/v1/sessions/: numbered sessions, their members, planning, opening, concluding
experts.py   /api/v1/experts/: the expert pool
"""

from workflows.api.routers import router

# ``ENUM_NAME_OVERRIDES`` (config.settings) names it here.
from ..apiserializers import dimension_risk_levels as dimension_risk_levels
from .decision import DecisionViewSet
from .experts import ExpertSerializer, ExpertViewSet
from .routes import PAGE_ROLES, PAGE_ROUTES, TASK_ROUTES, route_roles
from .sessions import (
    SECRETARY,
    SESSION_STATE_CODES,
    AbsenceSerializer,
    MemberSerializer,
    SessionOpenSerializer,
    SessionPlanSerializer,
    SessionSerializer,
    SessionViewSet,
)
from .tasks import TaskCompleteViewSet

router.register("decisions", DecisionViewSet, basename="decision")
router.register("tasks", TaskCompleteViewSet, basename="task-complete")
router.register("sessions", SessionViewSet, basename="session")
router.register("experts", ExpertViewSet, basename="expert")

__all__ = [
    "PAGE_ROLES",
    "PAGE_ROUTES",
    "SECRETARY",
    "SESSION_STATE_CODES",
    "TASK_ROUTES",
    "AbsenceSerializer",
    "DecisionViewSet",
    "ExpertSerializer",
    "ExpertViewSet",
    "MemberSerializer",
    "SessionOpenSerializer",
    "SessionPlanSerializer",
    "SessionSerializer",
    "SessionViewSet",
    "TaskCompleteViewSet",
    "dimension_risk_levels",
    "route_roles",
]
