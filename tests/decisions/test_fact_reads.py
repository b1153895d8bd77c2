"""The package check's and the archive checklist's facts, and a decision's latest review, are
read with a statement composed once (``services._common.decision_row``, ``decision_first``):
each decision gets its own, the same the ORM's query reads, and a decision content type
numbered anew gets a statement composed anew."""

import pytest
from django.contrib.contenttypes.models import ContentType

from decisions import services as s
from decisions.models import Decision, LegalityReview
from decisions.services import _common
from decisions.services.aftermath import _archive_facts_of, archive_facts
from decisions.services.package import _package_facts_of, package_facts
from decisions.services.review import LATEST_FIRST, _latest_review_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_decisions(drive):
    consulted = drive.initiate()
    drive.consult(consulted)  # a finished consultation with its adoption report
    drive.assess(consulted)
    plain = drive.initiate(not_disclosable=True, not_disclosable_reason="商业秘密")
    return consulted, plain


@pytest.mark.parametrize(
    "name, compose", [("package_facts", _package_facts_of), ("archive_facts", _archive_facts_of)]
)
def test_each_decision_reads_its_own_facts_as_the_orm_does(two_decisions, name, compose):
    rows = [_common.decision_row(name, compose, d) for d in two_decisions]
    assert rows == [compose(d.pk).get() for d in two_decisions]
    assert rows[0] != rows[1]  # the second is not answered with the first one's statement


def test_the_facts_differ_where_the_decisions_do(two_decisions):
    consulted, plain = two_decisions
    assert package_facts(consulted).has_adoption_report
    assert not package_facts(plain).has_adoption_report
    assert archive_facts(consulted).consultation_finished
    assert not archive_facts(plain).consultation_finished


def test_a_content_type_numbered_anew_composes_the_statement_anew(two_decisions, monkeypatch):
    """The decision's content type is an argument of the statement (the consultation's
    subject): a statement kept from before it was numbered anew would find no consultation."""
    consulted, _plain = two_decisions
    assert package_facts(consulted).has_adoption_report  # composed with today's number
    real = ContentType.objects.get_for_model(Decision)
    renumbered = ContentType(pk=real.pk + 10_000, app_label=real.app_label, model=real.model)
    original = ContentType.objects.get_for_model

    def get_for_model(model, *args, **kwargs):
        return renumbered if model is Decision else original(model, *args, **kwargs)

    monkeypatch.setattr(ContentType.objects, "get_for_model", get_for_model)
    # Under the new number no consultation is the decision's: a fresh statement says so.
    assert not package_facts(consulted).has_adoption_report


def test_the_latest_review_is_each_decisions_own_as_its_related_manager_reads_it(drive, people):
    first, second = drive.initiate(), drive.initiate()
    for d in (first, second):
        drive.consult(d)
        drive.assess(d)
        s.legality_review_submit(decision=d, by=people["drafter"], procedures_account="已完成")
    for d in (first, second):
        read = _common.decision_first("latest_review", _latest_review_of, d)
        expected = d.legality_reviews.order_by(*LATEST_FIRST).first()
        assert type(read) is LegalityReview and read.pk == expected.pk
        assert {f.attname: getattr(read, f.attname) for f in LegalityReview._meta.fields} == {
            f.attname: getattr(expected, f.attname) for f in LegalityReview._meta.fields
        }
        assert read.decision is d  # as the related manager leaves it: no query to reach it
        assert not read._state.adding and read._state.db == expected._state.db
    plain = drive.initiate(not_disclosable=True, not_disclosable_reason="商业秘密")
    assert _common.decision_first("latest_review", _latest_review_of, plain) is None
