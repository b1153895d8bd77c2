"""The full-process record: one global, hash-chained, append-only log of events.

《重大行政决策程序暂行条例》第三十三条 asks that every stage of a decision be recorded and archived
completely; DA/T 70-2018 asks that the archived record prove its authenticity (fixity hashes
verify) and integrity (numbering without gaps). Each event therefore carries a gap-free sequence
number, the hash of its predecessor and its own SHA-256 (and SM3) hash, and is written in the
same transaction as the change it records (see ``services.record_append``).
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from .canonical import iso_utc


class RecordImmutableError(Exception):
    """Raised on any attempt to change or remove an event, or to write one around the service."""


class EventQuerySet(models.QuerySet):
    """Bulk writes would bypass ``Event.save``/``delete``: refuse them here too."""

    def update(self, **kwargs):
        raise RecordImmutableError(_("Record events cannot be updated."))

    def delete(self):
        raise RecordImmutableError(_("Record events cannot be deleted."))

    def bulk_update(self, objs, fields, batch_size=None):
        raise RecordImmutableError(_("Record events cannot be updated."))

    def bulk_create(self, objs, *args, **kwargs):
        raise RecordImmutableError(_("Record events are appended only through record_append()."))


class EventManager(models.Manager.from_queryset(EventQuerySet)):
    """Reads inside an action find what it has recorded so far: the events it keeps to append
    at its end (``deferred.record_deferred``) are appended before a query is built."""

    def get_queryset(self):
        from .deferred import pending_append  # the services import these models

        pending_append()
        return super().get_queryset()


class Event(models.Model):
    """One thing that happened to one subject, chained to every event before it."""

    class ActorKind(models.TextChoices):
        PERSON = "person", _("Person")
        SYSTEM = "system", _("System")
        PUBLIC = "public", _("Public")

    # Assigned by record_append under the chain-head lock, not by a database sequence: a
    # sequence leaves holes on rollback, and the record must number without gaps (DA/T 70).
    seq = models.PositiveBigIntegerField(_("sequence number"), primary_key=True)
    at = models.DateTimeField(_("time"))
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acting user"),
        null=True,
        blank=True,
        # The id is hashed: a user who acted can be deactivated, never deleted.
        on_delete=models.PROTECT,
        related_name="record_events",
    )
    actor_kind = models.CharField(_("actor kind"), max_length=10, choices=ActorKind.choices)
    # The name as it was when the person acted, so the record survives later edits of the user.
    actor_label = models.CharField(_("actor"), max_length=300)
    action = models.CharField(_("action"), max_length=100)
    content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("subject type"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # the subject index below starts with it
    )
    # Text, so that subjects with integer, UUID or string keys all fit.
    object_id = models.CharField(_("subject id"), max_length=64)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("SHA-256 hash"), max_length=64)
    hash_sm3 = models.CharField(_("SM3 hash"), max_length=64, blank=True)

    objects = EventManager()

    class Meta:
        verbose_name = _("record event")
        verbose_name_plural = _("record events")
        ordering = ["seq"]
        indexes = [
            models.Index(
                fields=["content_type", "object_id", "seq"], name="record_event_subject_idx"
            )
        ]
        constraints = [
            # A constraint rather than unique=True: on PostgreSQL that would add a second,
            # LIKE-pattern index on every append for no query we make. The verifier looks
            # events up by hash to tell a reordering from a missing predecessor.
            models.UniqueConstraint(fields=["hash"], name="record_event_hash_unique")
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} ({self.actor_label})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise RecordImmutableError(_("Record events cannot be changed once written."))
        if not getattr(self, "_appending", False):
            raise RecordImmutableError(
                _("Record events are appended only through record_append().")
            )
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RecordImmutableError(_("Record events cannot be deleted."))

    @property
    def content_type_label(self) -> str:
        """The subject type as it is hashed: "app_label.model"."""
        content_type = ContentType.objects.get_for_id(self.content_type_id)
        return f"{content_type.app_label}.{content_type.model}"


class ChainHead(models.Model):
    """The single row that says where the chain ends; its row lock serialises appends.

    It also lets the verifier notice events cut off the end of the chain, which a walk over
    the events alone cannot see.
    """

    SINGLETON_ID = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_ID)
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("record chain head")
        verbose_name_plural = _("record chain head")

    def __str__(self) -> str:
        return f"#{self.last_seq} {self.last_hash[:12]}…"


class CheckpointQuerySet(models.QuerySet):
    """Checkpoints are evidence like the events they sign: never changed, never removed."""

    def update(self, **kwargs):
        raise RecordImmutableError(_("Record checkpoints cannot be updated."))

    def delete(self):
        raise RecordImmutableError(_("Record checkpoints cannot be deleted."))

    def bulk_update(self, objs, fields, batch_size=None):
        raise RecordImmutableError(_("Record checkpoints cannot be updated."))


class Checkpoint(models.Model):
    """The chain head at one moment, signed with a key that is not in the database.

    Written by ``services.record_checkpoint`` (periodically by beat, and after archive exports),
    each with the next number of its own gapless serial and the signature of the checkpoint
    before it, so that deleting one leaves a hole ``record_verify`` reports.
    """

    serial = models.PositiveBigIntegerField(_("checkpoint number"), primary_key=True)
    seq = models.PositiveBigIntegerField(_("sequence number"))
    head_hash = models.CharField(_("SHA-256 hash"), max_length=64)
    at = models.DateTimeField(_("time"))
    # Base64 of 64 bytes: 88 characters; empty for the first checkpoint.
    prev_signature = models.CharField(_("previous signature"), max_length=88, blank=True)
    public_key = models.CharField(_("public key"), max_length=44)
    key_fingerprint = models.CharField(_("key fingerprint"), max_length=64)
    signature = models.CharField(_("signature"), max_length=88)

    objects = CheckpointQuerySet.as_manager()

    class Meta:
        verbose_name = _("record checkpoint")
        verbose_name_plural = _("record checkpoints")
        ordering = ["serial"]
        indexes = [models.Index(fields=["seq"], name="record_checkpoint_seq_idx")]

    def __str__(self) -> str:
        return f"checkpoint #{self.serial} (event #{self.seq})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise RecordImmutableError(_("Record checkpoints cannot be changed once written."))
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RecordImmutableError(_("Record checkpoints cannot be deleted."))

    def as_dict(self) -> dict:
        """Every signed field and the signature, as written to archive packages and downloads."""
        return {
            "serial": self.serial,
            "seq": self.seq,
            "head_hash": self.head_hash,
            "at": iso_utc(self.at),
            "prev_signature": self.prev_signature,
            "public_key": self.public_key,
            "key_fingerprint": self.key_fingerprint,
            "signature": self.signature,
        }
