"""Reads of the decision services written once as SQL (issue 15): ``has_drafted``,
``_review_locked``, ``published_version`` and ``consultation_latest`` answer as the ORM queries
they replaced, for the positive and the negative cases, and a broken statement is caught."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from decisions import services as s
from decisions.models import Decision, DraftVersion, LegalityReview
from decisions.services import amendments, review
from workflows.consultations import selectors as consultation_selectors
from workflows.consultations.selectors import consultation_latest

pytestmark = pytest.mark.django_db


def fields(instance) -> dict | None:
    if instance is None:
        return None
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


@pytest.fixture
def submitted(drive, people):
    """A decision sent to legality review by its drafter, and one never consulted."""
    d = drive.initiate()
    drive.consult(d)
    drive.assess(d)
    s.legality_review_submit(decision=d, by=people["drafter"], procedures_account="已完成")
    plain = drive.initiate(not_disclosable=True, not_disclosable_reason="商业秘密")
    return d, plain


# --- has_drafted ----------------------------------------------------------------------------------


def assert_has_drafted_as_the_orm(d, users) -> list[bool]:
    answers = [review.has_drafted(decision=d, user=u) for u in users]
    assert answers == [review._has_drafted_orm(decision=d, user=u) for u in users]
    return answers


@pytest.fixture
def drafted_apart(submitted, people):
    """The versions written by the legal advisor, the review submitted by the drafter, and the
    decision (in memory only) started by nobody asked: each branch of the statement answers."""
    d, _plain = submitted
    DraftVersion.objects.filter(decision=d).update(created_by=people["legal_advisor"])
    d.created_by_id = people["archivist"].pk
    return d, [people["drafter"], people["legal_advisor"], people["outsider"]]


def test_has_drafted_answers_as_the_orm(drafted_apart):
    d, users = drafted_apart
    # Submitted only, wrote only, neither.
    assert assert_has_drafted_as_the_orm(d, users) == [True, True, False]


def test_has_drafted_for_another_decision_is_false(submitted, people):
    _d, plain = submitted
    plain.created_by_id = people["archivist"].pk
    assert assert_has_drafted_as_the_orm(plain, [people["drafter"]]) == [True]  # wrote it
    assert assert_has_drafted_as_the_orm(plain, [people["legal_advisor"]]) == [False]


def test_a_broken_has_drafted_statement_is_caught(drafted_apart, monkeypatch):
    d, users = drafted_apart
    column = connection.ops.quote_name("submitted_by_id")
    # The reviews' half asks for no one: the person who only submitted is missed.
    broken = review._has_drafted_sql(connection.vendor).replace(f"{column} = %s", f"{column} = -%s")
    monkeypatch.setattr(review, "_has_drafted_sql", lambda vendor: broken)
    with pytest.raises(AssertionError):
        assert_has_drafted_as_the_orm(d, users)


# --- _review_locked -------------------------------------------------------------------------------


def assert_locked_as_the_orm(r: LegalityReview) -> LegalityReview:
    read = review._review_locked(r)
    expected = review._review_locked_orm(r)
    assert type(read) is LegalityReview and fields(read) == fields(expected)
    assert not read._state.adding and read._state.db == expected._state.db
    # Its office and draft version come with it, as ``select_related`` leaves them.
    assert LegalityReview.review_office.is_cached(read)
    assert LegalityReview.draft_version.is_cached(read)
    assert fields(read.review_office) == fields(expected.review_office)
    assert fields(read.draft_version) == fields(expected.draft_version)
    return read


def test_review_locked_reads_as_the_orm(submitted):
    d, _plain = submitted
    r = d.legality_reviews.get()
    assert assert_locked_as_the_orm(r).review_office is not None
    LegalityReview.objects.filter(pk=r.pk).update(review_office=None)
    assert assert_locked_as_the_orm(r).review_office is None  # an office it does not name


def test_review_locked_of_a_missing_review_is_refused_as_by_the_orm(submitted):
    gone = LegalityReview(pk=987_654_321)
    with pytest.raises(LegalityReview.DoesNotExist):
        review._review_locked_orm(gone)
    with pytest.raises(LegalityReview.DoesNotExist):
        review._review_locked(gone)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite reads it with the ORM")
def test_a_broken_review_locked_statement_is_caught(submitted, monkeypatch):
    d, _plain = submitted
    r = d.legality_reviews.get()
    broken = review._review_locked_sql(connection.vendor).replace(" = %s", " <> %s")
    monkeypatch.setattr(review, "_review_locked_sql", lambda vendor: broken)
    with pytest.raises((AssertionError, LegalityReview.DoesNotExist)):
        assert_locked_as_the_orm(r)


# --- published_version ----------------------------------------------------------------------------


def assert_published_as_the_orm(d: Decision) -> DraftVersion | None:
    read = amendments._published_candidates(d)
    expected = amendments._published_candidates_orm(d)
    assert [fields(v) for v in read] == [fields(v) for v in expected]
    assert all(v.decision is d for v in read)  # as ``decision.versions`` leaves it
    published = amendments.published_version(d)
    assert fields(published) == fields(amendments._published_of(expected))
    return published


def copy_version(d: Decision, **changes) -> DraftVersion:
    version = d.versions.order_by("-number").first()
    version.pk = None
    version.number += 1
    for name, value in changes.items():
        setattr(version, name, value)
    version.save()
    return version


def test_published_version_is_the_latest_draft_without_amendments(submitted):
    d, _plain = submitted
    copy_version(d)  # a second draft version: it, not the first, is published
    published = assert_published_as_the_orm(d)
    assert published.kind == DraftVersion.Kind.DRAFT and published.number == 2


def test_published_version_is_the_approved_amended_version(submitted, people):
    from django.utils import timezone

    d, _plain = submitted
    pending = copy_version(d, kind=DraftVersion.Kind.AMENDED)
    assert assert_published_as_the_orm(d).kind == DraftVersion.Kind.DRAFT  # not yet approved
    DraftVersion.objects.filter(pk=pending.pk).update(approved_at=timezone.now())
    assert assert_published_as_the_orm(d).pk == pending.pk
    # A later amended version returned for supplement is not among the candidates.
    copy_version(d, kind=DraftVersion.Kind.AMENDED, returned_at=timezone.now())
    assert assert_published_as_the_orm(d).pk == pending.pk


def test_published_version_of_a_decision_without_versions_is_none(submitted):
    assert assert_published_as_the_orm(Decision(pk=987_654_321)) is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite reads it with the ORM")
def test_a_broken_published_version_statement_is_caught(submitted, monkeypatch):
    d, _plain = submitted
    copy_version(d, kind=DraftVersion.Kind.AMENDED)  # two candidates: the order tells
    broken = amendments._published_sql(connection.vendor).replace(" DESC", " ASC")
    monkeypatch.setattr(amendments, "_published_sql", lambda vendor: broken)
    with pytest.raises(AssertionError):
        assert_published_as_the_orm(d)


# --- consultation_latest --------------------------------------------------------------------------


def assert_latest_as_the_orm(subject):
    read = consultation_latest(subject=subject)
    expected = consultation_selectors._latest_orm(subject)
    assert fields(read) == fields(expected)
    return read


def test_consultation_latest_answers_as_the_orm(submitted):
    d, plain = submitted
    assert assert_latest_as_the_orm(d) is not None
    assert assert_latest_as_the_orm(plain) is None  # never consulted


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite reads it with the ORM")
def test_consultation_latest_takes_the_content_type_as_it_is_numbered_now(submitted, monkeypatch):
    d, _plain = submitted
    assert consultation_latest(subject=d) is not None  # the statement is written and kept
    real = ContentType.objects.get_for_model(Decision)
    renumbered = ContentType(pk=real.pk + 10_000, app_label=real.app_label, model=real.model)
    original = ContentType.objects.get_for_model

    def get_for_model(model, *args, **kwargs):
        is_decision = model is Decision or isinstance(model, Decision)
        return renumbered if is_decision else original(model, *args, **kwargs)

    monkeypatch.setattr(ContentType.objects, "get_for_model", get_for_model)
    assert consultation_latest(subject=d) is None  # no consultation under the new number


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite reads it with the ORM")
def test_a_broken_consultation_latest_statement_is_caught(submitted, monkeypatch):
    d, _plain = submitted
    broken = consultation_selectors._latest_sql(connection.vendor).replace(" = %s", " <> %s")
    monkeypatch.setattr(consultation_selectors, "_latest_sql", lambda vendor: broken)
    with pytest.raises(AssertionError):
        assert_latest_as_the_orm(d)
