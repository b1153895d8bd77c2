"""Cleanup campaigns (清理, 国办发〔2018〕37号 五(十八)): a campaign, each drafting body's share
with the snapshot of its documents in scope taken when the campaign opens, and one item per
verdict entered, with the lifecycles of rules.CLEANUP_CAMPAIGN_LIFECYCLE and
rules.CLEANUP_ITEM_LIFECYCLE."""

from django.conf import settings
from django.db import models
from django.db.models import F, Func, IntegerField, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from viewflow.fsm import FSMField, State

from workflows.models import Unit

from .. import rules
from .documents import DraftingBody, NormativeDocument


class CleanupCampaign(models.Model):
    """A cleanup of in-force documents (清理): regular every two years, special, or dynamic."""

    class Kind(models.TextChoices):
        REGULAR = "regular", _("Regular")
        SPECIAL = "special", _("Special")
        DYNAMIC = "dynamic", _("Dynamic")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("cleanup campaign", "Open")
        CLOSED = "closed", pgettext_lazy("cleanup campaign", "Closed, results published")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    status = FSMField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    title = models.CharField(_("title"), max_length=300)
    government = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    # The filter that chose the documents, kept as evidence of what was in scope.
    scope = models.JSONField(_("scope"), default=dict, blank=True)
    opened_on = models.DateField(_("opened on"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Empty while the clock awaits the holiday notice of the year it reaches.
    due_on = models.DateField(_("due on"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    results_published_on = models.DateField(_("results published on"), null=True, blank=True)
    results_published_where = models.CharField(
        _("results published where"), max_length=200, blank=True
    )
    # The law or instruction that ordered a special cleanup (e.g. 《中华人民共和国行政处罚法》):
    # the annual report names the special cleanups by it.
    ordered_by = models.CharField(_("ordered by"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("cleanup campaign")
        verbose_name_plural = _("cleanup campaigns")
        ordering = ["-opened_on", "-id"]
        constraints = [
            # Two beat runs on the same day cannot open the same regular cleanup twice.
            models.UniqueConstraint(
                fields=["government", "opened_on"],
                condition=Q(kind="regular"),
                name="normdocs_one_regular_cleanup_per_day",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    # --- lifecycle (viewflow.fsm, from rules.CLEANUP_CAMPAIGN_LIFECYCLE) -----------------------

    @status.transition(source=rules.CLEANUP_CAMPAIGN_LIFECYCLE["closed"][0], target=Status.CLOSED)
    def to_closed(self):
        pass


class CleanupAssignment(models.Model):
    """One drafting body's share of a campaign (谁制定谁清理): its documents and its deadline.

    ``documents`` is the scope fixed when the campaign opens (国办发〔2018〕37号 五(十八): every
    in-force document the body made is reviewed; one entering force later is not in this
    campaign): the ids of the body's documents in scope, ascending. A document of the scope is
    undecided until a ``CleanupItem`` row holds its verdict.
    """

    campaign = models.ForeignKey(
        CleanupCampaign, on_delete=models.CASCADE, related_name="assignments"
    )
    drafting_body = models.ForeignKey(DraftingBody, on_delete=models.PROTECT, related_name="+")
    # Empty while the clock awaits the holiday notice of the year it reaches.
    due_on = models.DateField(_("due on"), null=True, blank=True)
    # A JSON array of ids (jsonb on PostgreSQL) rather than an array type: SQLite, the embedded
    # default, has none. ``ScopeSize`` counts it in SQL.
    documents = models.JSONField(_("documents in scope"), default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "drafting_body"], name="normdocs_one_assignment_per_body"
            ),
            # The key an item's (assignment, campaign) refers to (migration 0005).
            models.UniqueConstraint(fields=["id", "campaign"], name="normdocs_assignment_campaign"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.drafting_body}"


class ScopeSize(Func):
    """How many documents a share's snapshot (``CleanupAssignment.documents``) holds, in SQL."""

    function = "jsonb_array_length"
    output_field = IntegerField()

    def __init__(self, field: str = "documents"):
        super().__init__(F(field))

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, function="json_array_length", **extra)


class CleanupItem(models.Model):
    """The verdict on one document of a campaign's scope (国办发〔2018〕37号 五(十八)).

    Written when the drafting body enters its verdict, never before: a document of the scope
    without a row is undecided (``selectors.cleanup_entries`` lists it as an unsaved, undecided
    item), so opening a campaign writes one row per drafting body, not one per document.
    """

    class Outcome(models.TextChoices):
        CONTINUE = "continue", _("Continue in force")
        AMEND = "amend", _("Amend")
        REPEAL = "repeal", _("Repeal")
        DECLARE_INVALID = "declare_invalid", _("Declare invalid")

    class Status(models.TextChoices):
        UNDECIDED = "undecided", pgettext_lazy("cleanup item", "Undecided")
        DECIDED = "decided", pgettext_lazy("cleanup item", "Decided")

    # ``campaign`` has no index of its own (the unique (campaign, document) index serves it),
    # and ``campaign`` and ``assignment`` are checked together by one composite foreign key
    # (assignment, campaign) -> the assignment's (id, campaign), added by migration 0005: an
    # item cannot belong to another campaign than its assignment.
    campaign = models.ForeignKey(
        CleanupCampaign,
        on_delete=models.CASCADE,
        related_name="verdicts",
        db_index=False,
        db_constraint=False,
    )
    status = FSMField(_("status"), max_length=10, choices=Status.choices, default=Status.UNDECIDED)
    assignment = models.ForeignKey(
        CleanupAssignment, on_delete=models.CASCADE, related_name="verdicts", db_constraint=False
    )
    document = models.ForeignKey(
        NormativeDocument, on_delete=models.PROTECT, related_name="cleanup_verdicts"
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    # Not indexed: the only lookup from the other side is the rare deletion of a user or a
    # document (refused anyway, PROTECT), not worth an index entry for every item opened.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    successor = models.ForeignKey(
        NormativeDocument,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )

    class Meta:
        verbose_name = _("cleanup item")
        verbose_name_plural = _("cleanup items")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "document"], name="normdocs_one_item_per_document"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.document} · {self.outcome or '…'}"

    # --- lifecycle (viewflow.fsm, from rules.CLEANUP_ITEM_LIFECYCLE) ---------------------------

    def _campaign_open(self):
        refusal = rules.cleanup_transition_refusal(
            kind="campaign", source=self.campaign.status, target="closed"
        )
        return State.CONDITION(refusal is None, refusal or "")

    @status.transition(
        source=rules.CLEANUP_ITEM_LIFECYCLE["decided"][0],
        target=Status.DECIDED,
        conditions=[_campaign_open],
    )
    def to_decided(self):
        pass
