"""A unit proposes one of its normative documents awaiting deliberation as an agenda item (议题)
from the items page (Django's client): only its own documents whose legality review lets them go
to the meeting (国办发〔2018〕115号 一(三)), each once while it waits; its review is its check, so
the review office is not asked to check it again."""

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from decisions import services as s
from decisions.models import AgendaItem

pytestmark = pytest.mark.django_db
ITEMS = reverse("decisions:sessions:items")
NINE_AM_SHANGHAI = datetime(2026, 6, 15, 1, 0, tzinfo=UTC)


def body_of(response) -> str:
    return response.content.decode()


@pytest.fixture
def documents(people, make_person):
    """住建局's document reviewed lawful and sent to deliberation, its draft not yet reviewed,
    one reviewed unlawful, and 司法局's document awaiting deliberation."""
    from normdocs.models import LegalityReview as DocumentReview
    from normdocs.models import NormativeDocument
    from normdocs.services import drafting_body_register

    clerk = make_person("body_clerk", people["county"], administrator=[people["county"]])
    bodies = {
        key: drafting_body_register(
            unit=people[key],
            kind="department",
            legal_basis="《地方各级人民代表大会和地方各级人民政府组织法》第七十三条",
            issuer_codes=[code],
            by=clerk,
        )
        for key, code in (("housing", "恰建"), ("bureau", "恰司"))
    }

    def document(key, title, status, outcome):
        doc = NormativeDocument.objects.create(
            title=title, drafting_body=bodies[key], issuer_code=bodies[key].issuer_codes[0]
        )
        NormativeDocument.objects.filter(pk=doc.pk).update(status=status)
        if outcome:
            DocumentReview.objects.create(
                document=doc,
                submitted_by=people["housing_drafter"],
                submitted_on=date(2026, 6, 1),
                outcome=outcome,
            )
        doc.refresh_from_db()
        return doc

    return {
        "ready": document("housing", "乌恰县城区供热管理办法", "deliberation", "lawful"),
        "draft": document("housing", "乌恰县物业管理办法", "draft", ""),
        "unlawful": document("housing", "乌恰县停车收费办法", "deliberation", "unlawful"),
        "other_unit": document("bureau", "乌恰县法律援助办法", "deliberation", "lawful"),
    }


def propose(client, people, document, **extra):
    client.force_login(people["housing_drafter"])
    return client.post(
        ITEMS,
        {
            "action": "propose",
            "propose-kind": "normative_document",
            "propose-lead_unit": people["housing"].pk,
            "propose-document": document.pk if document else "",
            "propose-title": "",
            "propose-materials": "起草说明",
            **extra,
        },
    )


def test_the_unit_proposes_its_document_awaiting_deliberation(client, people, documents):
    client.force_login(people["housing_drafter"])
    page = body_of(client.get(ITEMS))
    assert f'<option value="{documents["ready"].pk}">' in page
    for key in ("draft", "unlawful", "other_unit"):
        assert f'<option value="{documents[key].pk}">' not in page, key

    response = propose(client, people, documents["ready"])

    assert response.status_code == 302, body_of(response)
    item = AgendaItem.objects.get()
    assert (item.kind, item.document, item.title, item.lead_unit) == (
        "normative_document",
        documents["ready"],
        "乌恰县城区供热管理办法",
        people["housing"],
    )
    # Waiting for the meeting, it is not offered twice.
    page = body_of(client.get(ITEMS))
    assert f'<option value="{documents["ready"].pk}">' not in page
    assert "已经规范性文件合法性审核" in page
    # The review office does not check it again: its own review was its check.
    client.force_login(people["legal_advisor"])
    assert f'data-testid="check-row" data-item="{item.pk}"' not in body_of(client.get(ITEMS))
    # The secretary puts it on the agenda: its review lets it go.
    session = s.session_plan(
        government=people["county"],
        by=people["secretary"],
        kind="executive",
        held_at=NINE_AM_SHANGHAI,
        principal=people["principal"],
    )
    assert s.agenda_item_add(session=session, item=item, by=people["secretary"]).order == 1


@pytest.mark.parametrize("key", ["draft", "unlawful", "other_unit"])
def test_a_document_not_offered_cannot_be_proposed_by_posting_its_id(
    client, people, documents, key
):
    response = propose(client, people, documents[key])

    assert response.status_code == 200 and "errorlist" in body_of(response)
    assert not AgendaItem.objects.exists()


def test_a_document_item_names_its_document(client, people, documents):
    response = propose(client, people, None)

    assert response.status_code == 200
    assert "请选择本议题的行政规范性文件。" in body_of(response)
    assert not AgendaItem.objects.exists()


def test_another_item_is_still_proposed_with_its_title(client, people, documents):
    client.force_login(people["housing_drafter"])
    base = {
        "action": "propose",
        "propose-lead_unit": people["housing"].pk,
        "propose-materials": "",
    }
    refused = client.post(ITEMS, {**base, "propose-title": ""})
    assert refused.status_code == 200 and "errorlist" in body_of(refused)

    response = client.post(ITEMS, {**base, "propose-title": "关于供暖保障的汇报"})

    assert response.status_code == 302
    item = AgendaItem.objects.get()
    assert (item.kind, item.document) == ("other", None)


def test_a_deferred_document_is_offered_again_and_an_adopted_one_is_not(client, people, documents):
    assert propose(client, people, documents["ready"]).status_code == 302
    item = AgendaItem.objects.get()
    session = s.session_plan(
        government=people["county"],
        by=people["secretary"],
        kind="executive",
        held_at=NINE_AM_SHANGHAI,
        principal=people["principal"],
    )
    s.agenda_item_add(session=session, item=item, by=people["secretary"])
    s.session_open(session=session, by=people["secretary"], present=people["members"])
    offered = f'<option value="{documents["ready"].pk}">'
    client.force_login(people["housing_drafter"])
    assert offered not in body_of(client.get(ITEMS))  # in session, not decided

    item.refresh_from_db()
    meeting = item.deliberation
    for member in people["members"]:
        s.meeting_statement_record(
            meeting=meeting, by=people["secretary"], speaker=member, position="abstain", text="再议"
        )
    s.meeting_decide(
        meeting=meeting, by=people["secretary"], head_decision="defer", statement="再研究。"
    )
    assert offered in body_of(client.get(ITEMS))

    assert propose(client, people, documents["ready"]).status_code == 302
    from decisions.models import Meeting

    Meeting.objects.filter(pk=meeting.pk).update(head_decision="adopt")
    AgendaItem.objects.exclude(pk=item.pk).delete()
    assert offered not in body_of(client.get(ITEMS))  # adopted: deliberated already


def test_a_rejected_document_back_at_deliberation_is_offered_again(client, people, documents):
    """Rejected, revised and found lawful again, the document awaits deliberation anew: the page
    offers it as the service accepts it."""
    from decisions.models import Meeting

    assert propose(client, people, documents["ready"]).status_code == 302
    item = AgendaItem.objects.get()
    session = s.session_plan(
        government=people["county"],
        by=people["secretary"],
        kind="executive",
        held_at=NINE_AM_SHANGHAI,
        principal=people["principal"],
    )
    s.agenda_item_add(session=session, item=item, by=people["secretary"])
    s.session_open(session=session, by=people["secretary"], present=people["members"])
    offered = f'<option value="{documents["ready"].pk}">'
    client.force_login(people["housing_drafter"])
    assert offered not in body_of(client.get(ITEMS))
    item.refresh_from_db()
    Meeting.objects.filter(pk=item.deliberation.pk).update(head_decision="reject")
    assert offered in body_of(client.get(ITEMS))
