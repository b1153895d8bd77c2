"""A normative document decided at a numbered government session is deliberated in normdocs
(国办发〔2018〕37号 三(四)): the head's decision on its agenda item is the document's collective
deliberation, recorded through normdocs' own service in the same transaction; a deferral records
nothing. The service that proposes the item refuses what the page does not offer."""

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import ValidationError

from decisions import services as s
from decisions.models import AgendaItem

pytestmark = pytest.mark.django_db
NINE_AM_SHANGHAI = datetime(2026, 6, 15, 1, 0, tzinfo=UTC)  # 2026-06-15 09:00 in Shanghai


@pytest.fixture
def bodies(people, make_person):
    from normdocs.services import drafting_body_register

    clerk = make_person("body_clerk", people["county"], administrator=[people["county"]])
    return {
        key: drafting_body_register(
            unit=people[key],
            kind="department",
            legal_basis="《地方各级人民代表大会和地方各级人民政府组织法》第七十三条",
            issuer_codes=[code],
            by=clerk,
        )
        for key, code in (("general_office", "恰政办"), ("housing", "恰建"))
    }


@pytest.fixture
def make_document(bodies, people):
    from normdocs.models import LegalityReview as DocumentReview
    from normdocs.models import NormativeDocument

    def make(
        key="general_office", title="关于公文办理的规定", status="deliberation", outcome="lawful"
    ):
        doc = NormativeDocument.objects.create(
            title=title, drafting_body=bodies[key], issuer_code=bodies[key].issuer_codes[0]
        )
        # Brought to deliberation as normdocs' review would leave it (tests/decisions fixture).
        NormativeDocument.objects.filter(pk=doc.pk).update(status=status)
        if outcome:
            DocumentReview.objects.create(
                document=doc,
                submitted_by=people["drafter"],
                submitted_on=date(2026, 6, 1),
                outcome=outcome,
            )
        doc.refresh_from_db()
        return doc

    return make


@pytest.fixture
def office_clerk(people, make_person):
    office = people["general_office"]
    return make_person("office_clerk", office, drafter=[office])


def propose(people, by, document, unit=None):
    return s.agenda_item_propose(
        by=by,
        title=document.title,
        lead_unit=unit or document.drafting_body.unit,
        materials="起草说明",
        kind="normative_document",
        document=document,
    )


def plan(people, kind="executive", held_at=NINE_AM_SHANGHAI):
    return s.session_plan(
        government=people["county"],
        by=people["secretary"],
        kind=kind,
        held_at=held_at,
        principal=people["principal"],
    )


def deliberate(people, item, head_decision, *, by=None, amendments=""):
    """Open the item's session, every member speaks, the head decides."""
    item.refresh_from_db()
    if item.session.status == "planned":
        s.session_open(session=item.session, by=people["secretary"], present=people["members"])
        item.refresh_from_db()
    meeting = item.deliberation
    for member in people["members"]:
        s.meeting_statement_record(
            meeting=meeting, by=people["secretary"], speaker=member, position="support", text="同意"
        )
    return s.meeting_decide(
        meeting=meeting,
        by=by or people["principal"],
        head_decision=head_decision,
        statement="会议研究决定。",
        reason="" if head_decision in ("adopt", "adopt_with_amendments") else "尚需完善",
        amendments=amendments,
    )


def scheduled(people, by, document, **session):
    item = propose(people, by, document)
    return s.agenda_item_add(session=plan(people, **session), item=item, by=people["secretary"])


@pytest.mark.parametrize("decision", ["adopt", "adopt_with_amendments"])
def test_adopted_at_the_session_the_document_is_deliberated_and_may_be_registered(
    people, make_document, office_clerk, decision
):
    document = make_document()
    item = scheduled(people, office_clerk, document)

    deliberate(people, item, decision, amendments="第三条删去“原则上”。")

    document.refresh_from_db()
    # Adopted: it stays at deliberation, ready to be registered and numbered (37号 三(五)).
    assert document.status == "deliberation"
    deliberation = document.deliberations.get()
    assert (deliberation.meeting_kind, deliberation.meeting_on, deliberation.adopted) == (
        "executive_meeting",
        date(2026, 6, 15),
        True,
    )
    # The head decided; the session's secretary keeps the record.
    assert deliberation.recorded_by == people["secretary"]
    assert "第1次常务会议" in deliberation.note and "第1项议题" in deliberation.note
    assert ("第三条删去“原则上”。" in deliberation.note) is (decision == "adopt_with_amendments")
    from normdocs.models import Status
    from normdocs.rules.lifecycles import LIFECYCLE

    assert Status.DELIBERATION in LIFECYCLE[Status.REGISTERED][0]


def test_a_plenary_session_records_a_plenary_deliberation(people, make_document, office_clerk):
    document = make_document()
    item = scheduled(people, office_clerk, document, kind="plenary")

    deliberate(people, item, "adopt", by=people["secretary"])

    deliberation = document.deliberations.get()
    assert (deliberation.meeting_kind, deliberation.recorded_by) == (
        "plenary_meeting",
        people["secretary"],
    )


def test_rejected_the_document_goes_back_to_its_drafter(people, make_document, office_clerk):
    document = make_document()
    item = scheduled(people, office_clerk, document)

    deliberate(people, item, "reject")

    document.refresh_from_db()
    assert document.status == "draft"  # 审议未通过的，退回起草单位修改 (115号 三(四))
    deliberation = document.deliberations.get()
    assert (deliberation.adopted, deliberation.meeting_kind) == (False, "executive_meeting")


def test_deferred_nothing_is_recorded_and_it_goes_onto_a_later_session(
    people, make_document, office_clerk, travel_to
):
    document = make_document()
    item = scheduled(people, office_clerk, document)

    deliberate(people, item, "defer")

    document.refresh_from_db()
    assert document.status == "deliberation"
    assert not document.deliberations.exists()
    later = scheduled(people, office_clerk, document, held_at=datetime(2026, 6, 22, 1, tzinfo=UTC))
    assert later.pk != item.pk and later.session.number == 2
    travel_to(datetime(2026, 6, 22, 2, tzinfo=UTC))
    deliberate(people, later, "adopt")
    assert document.deliberations.get().meeting_on == date(2026, 6, 22)


def test_a_department_document_is_not_the_governments_to_deliberate(people, make_document):
    """A department's documents go to its own office meeting (37号 三(四)): normdocs refuses to
    record the government session's deliberation of it (its recorder is the department's), so
    the decision is refused and nothing is decided."""
    document = make_document("housing", "乌恰县城区供热管理办法")
    item = scheduled(people, people["housing_drafter"], document)

    with pytest.raises(ValidationError) as info:
        deliberate(people, item, "adopt")

    assert info.value.code == "not_deliberation_recorder"
    item.refresh_from_db()
    assert item.outcome == "" and not document.deliberations.exists()


def refusal_of(call) -> str:
    with pytest.raises(ValidationError) as info:
        call()
    return info.value.code


def test_the_service_refuses_a_document_of_another_unit(people, make_document, office_clerk):
    document = make_document()
    assert (
        refusal_of(lambda: propose(people, people["housing_drafter"], document, people["housing"]))
        == "document_not_of_unit"
    )
    # The government's meeting secretary may propose the government office's document in the
    # government's name.
    assert propose(people, people["secretary"], document, people["county"]).document == document
    assert not AgendaItem.objects.filter(lead_unit=people["housing"]).exists()


@pytest.mark.parametrize(
    "status, outcome, code",
    [
        ("draft", "", "document_not_awaiting_deliberation"),
        ("legality_review", "", "document_not_awaiting_deliberation"),
        ("deliberation", "", "legality_review_required"),
        ("deliberation", "unlawful", "reviewed_unlawful"),
        ("deliberation", "needs_amendment", "amendments_not_recorded"),
    ],
)
def test_the_service_refuses_a_document_not_awaiting_deliberation(
    people, make_document, office_clerk, status, outcome, code
):
    document = make_document(status=status, outcome=outcome)

    assert refusal_of(lambda: propose(people, office_clerk, document)) == code
    assert not AgendaItem.objects.exists()


def test_a_document_is_proposed_once_while_it_waits_and_not_after_adoption(
    people, make_document, office_clerk
):
    document = make_document()
    item = propose(people, office_clerk, document)
    assert refusal_of(lambda: propose(people, office_clerk, document)) == "document_on_agenda"

    s.agenda_item_add(session=plan(people), item=item, by=people["secretary"])
    deliberate(people, item, "adopt")

    assert (
        refusal_of(lambda: propose(people, office_clerk, document))
        == "document_not_awaiting_deliberation"
    )
