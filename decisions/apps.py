from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    """Major administrative decisions (《重大行政决策程序暂行条例》, State Council Decree 713)."""

    name = "decisions"
    verbose_name = _("Major administrative decisions")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from workflows.clocks.rules import WORKING, DeadlineRule, register_rule
        from workflows.clocks.signals import deadline_computed
        from workflows.inbox import register_inbox_source, register_task_clocks
        from workflows.record.access import register_subject_access

        from . import archive, report, rules  # noqa: F401 (archive adapter, report section)
        from .inbox import decision_clock_processes, decision_inbox_items, decision_process_clocks
        from .models import Decision, DecisionProcess
        from .selectors import decision_is_visible
        from .services.review import review_copy_computed_due

        # 第二十六条: the legality review office gets, in general, no less than 7 working days.
        register_rule(
            DeadlineRule(
                key="decision.legality_review",
                unit=WORKING,
                amount=rules.LEGALITY_REVIEW_WORKING_DAYS,
                legal_source="《重大行政决策程序暂行条例》第二十六条",
                description=_("Legality review of a major decision"),
            )
        )
        register_subject_access(
            Decision, lambda user, decision: decision_is_visible(user=user, decision=decision)
        )
        # A review clock that awaited its holiday notice fills in the review's due date.
        deadline_computed.connect(
            review_copy_computed_due, dispatch_uid="decisions_review_copy_computed_due"
        )
        # A post-evaluation report is not a viewflow task: listed for its evaluator.
        register_inbox_source("decisions", decision_inbox_items)
        # A task is due when the clock its step meets is (the legality review's clock).
        register_task_clocks(DecisionProcess, decision_process_clocks, decision_clock_processes)
