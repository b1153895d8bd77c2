"""Legality review (合法性审查, 《重大行政决策程序暂行条例》第二十五条至第二十八条)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from workflows.rowwrites import ComposedRowWrites

from .decision import Decision, DraftVersion


# Written at transitions: by statements composed once (workflows.rowwrites).
class LegalityReview(ComposedRowWrites, models.Model):
    """One submission of the draft to the review office (负责合法性审查的部门, 第二十五条) and what
    became of it: returned for supplement (第二十六条), or an opinion prepared by a legal
    advisor of the office and issued, numbered, in the office's name once its head approved
    (第二十八条)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Under review")
        RETURNED = "returned", _("Returned for supplement")
        AWAITING_APPROVAL = "awaiting_approval", _("Opinion awaiting the head's approval")
        COMPLETED = "completed", _("Completed")

    class Outcome(models.TextChoices):
        LAWFUL = "lawful", _("Lawful")
        LAWFUL_WITH_AMENDMENTS = "lawful_with_amendments", _("Lawful with amendments")
        UNLAWFUL = "unlawful", _("Unlawful")

    class Missing(models.TextChoices):
        """What a returned submission lacks (第二十六条: 材料不齐全的，退回补充)."""

        DRAFT = "draft", _("The draft")
        LEGAL_BASIS = "legal_basis", _("The legal basis")
        PROCEDURES = "procedures_account", _("The account of the procedures done")
        COMMENTS_REPORT = "comments_report", _("The report on the adoption of comments")
        EXPERT_OPINIONS = "expert_opinions", _("The expert opinions")
        RISK_REPORT = "risk_report", _("The risk assessment report")
        OTHER = "other", _("Other")

    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="legality_reviews"
    )
    draft_version = models.ForeignKey(DraftVersion, on_delete=models.PROTECT, related_name="+")
    # The review office the draft was sent to (第二十五条); its name is on the opinion.
    review_office = models.ForeignKey(
        "workflows.Unit",
        verbose_name=_("review office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The deciding government of ``decision``, copied (issue 22): the review office's list
    # reads "the decisions of its governments with a review" from the reviews alone, through
    # ``legalityreview_government_idx``, not by joining every decision of the government.
    # On PostgreSQL a trigger (migration 0010) sets it on every insert, however the row is
    # written, and follows a change of the decision's government; visibility reads it there.
    government = models.ForeignKey(
        "workflows.Unit",
        null=True,
        blank=True,
        editable=False,
        db_index=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    legal_basis = models.JSONField(_("legal basis"), default=list)
    procedures_account = models.TextField(_("account of the procedures done"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField()
    # 第二十六条 (一般不少于7个工作日) is a minimum the submitting unit owes the reviewer: the
    # submission states when the opinion is needed, no earlier than ``minimum_on`` (the 7th
    # working day) unless ``short_time_reason`` says why.
    opinion_needed_by = models.DateField(_("opinion needed by"), null=True, blank=True)
    minimum_on = models.DateField(
        _("earliest date the minimum review time allows"), null=True, blank=True
    )
    short_time_reason = models.TextField(_("reason for a shorter review time"), blank=True)
    # The 7th working day fell in a year whose holiday notice was not entered yet: the
    # submission went ahead and the minimum is not checked (never guessed, domain.md §4).
    minimum_unchecked_year = models.PositiveIntegerField(null=True, blank=True)
    # The review clock's due date: the date the opinion is needed by. Empty while the clock
    # awaits the holiday notice of the year it reaches (the clock says which).
    due_on = models.DateField(_("review due on"), null=True, blank=True)
    deadline_id = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    # Returned for supplement (第二十六条).
    returned_missing = models.JSONField(_("what is missing"), default=list, blank=True)
    return_note = models.TextField(_("note on the return"), blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    returned_at = models.DateTimeField(null=True, blank=True)
    # The legal advisor of the review office who prepared the opinion.
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=30, choices=Outcome.choices, blank=True)
    opinion = models.TextField(_("opinion"), blank=True)
    amendments = models.TextField(_("amendments required"), blank=True)
    exploratory_reform = models.BooleanField(_("exploratory reform"), default=False)
    legal_risk_statement = models.TextField(_("stated legal risk"), blank=True)
    concluded_at = models.DateTimeField(null=True, blank=True)
    # The head of the review office approved: the opinion is issued under its number.
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opinion_year = models.PositiveIntegerField(null=True, blank=True)
    opinion_serial = models.PositiveIntegerField(null=True, blank=True)
    opinion_number = models.CharField(_("opinion number"), max_length=60, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("legality review")
        verbose_name_plural = _("legality reviews")
        ordering = ["submitted_at", "pk"]
        indexes = [
            models.Index(fields=["government", "decision"], name="legalityreview_government_idx")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["review_office", "opinion_year", "opinion_serial"],
                name="decisions_one_opinion_number",
            )
        ]

    def __str__(self) -> str:
        state = self.get_outcome_display() if self.outcome else self.get_status_display()
        return f"{self.decision_id}: {state}"


# Written at transitions: by statements composed once (workflows.rowwrites).
class LegalityOpinionRegister(ComposedRowWrites, models.Model):
    """The number sequence of a review office's opinions (合法性审查意见书) for one year.

    Numbers are taken under ``select_for_update`` on this row, so there are no gaps and no
    duplicates however many opinions are approved at once."""

    office = models.ForeignKey("workflows.Unit", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField(_("year"))
    last_serial = models.PositiveIntegerField(_("last serial"), default=0)

    class Meta:
        verbose_name = _("legality opinion register")
        verbose_name_plural = _("legality opinion registers")
        constraints = [
            models.UniqueConstraint(
                fields=["office", "year"], name="decisions_one_opinion_register_per_office_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.office_id} {self.year}: {self.last_serial}"
