"""The decisions section of the annual report counts the numbered sessions by the day they were
held: sessions by kind, agenda items deliberated by kind, items that passed the review office's
legality check before going on the agenda (the seed's 落实政府常务会议议题合法性审核), sessions at
which the head spoke last on every item (the seed's 主要负责人"末位"发言); and only the items that
are major decisions count as decisions taken (domain.md §5)."""

from datetime import UTC, date, datetime

import pytest

from decisions import services as s
from decisions.models import AgendaItem, LegalityReview, Meeting, Session, Statement
from decisions.report import decisions_section
from tests.decisions.conftest import (  # noqa: F401 (fixtures shared with the decisions tests)
    Driver,
    catalogue_item,
    people,
)
from workflows.reports import _traced_figures

YEAR = 2026
NINE_AM_SHANGHAI = datetime(2026, 6, 15, 1, 0, tzinfo=UTC)


@pytest.fixture
def drive(people, catalogue_item):  # noqa: F811
    return Driver(people, catalogue_item)


def _normative_document(people, make_person):  # noqa: F811
    from normdocs.models import LegalityReview as DocumentReview
    from normdocs.models import NormativeDocument
    from normdocs.services import drafting_body_register

    body = drafting_body_register(
        unit=people["county"],
        kind="government",
        legal_basis="《地方各级人民代表大会和地方各级人民政府组织法》第七十三条",
        issuer_codes=["恰政"],
        by=make_person("body_clerk", people["county"], administrator=[people["county"]]),
    )
    document = NormativeDocument.objects.create(
        title="乌恰县城区供热管理办法", drafting_body=body, issuer_code="恰政"
    )
    NormativeDocument.objects.filter(pk=document.pk).update(status="deliberation")
    DocumentReview.objects.create(
        document=document,
        submitted_by=people["housing_drafter"],
        submitted_on=date(2026, 6, 1),
        outcome="lawful",
    )
    return document


@pytest.fixture
def held_session(drive, people, make_person):  # noqa: F811
    """县政府第1次常务会议 of 2026: a major decision, another item and a normative document,
    each checked, deliberated with the head speaking last, and adopted."""
    secretary = people["secretary"]
    decision = drive.up_to_meeting()
    other = s.agenda_item_propose(
        by=people["housing_drafter"],
        title="关于2026年城区冬季供暖保障工作的汇报",
        lead_unit=people["housing"],
    )
    s.agenda_item_check(item=other, by=people["legal_advisor"], outcome="lawful", opinion="合法")
    document = _normative_document(people, make_person)
    normdoc = s.agenda_item_propose(  # the government's own document, in its name
        by=secretary,
        title=document.title,
        lead_unit=people["county"],
        kind="normative_document",
        document=document,
    )
    session = drive.plan_session(held_at=NINE_AM_SHANGHAI)
    drive.schedule(decision, session)
    s.agenda_item_add(session=session, item=other, by=secretary)
    s.agenda_item_add(session=session, item=normdoc, by=secretary)
    drive.open_session(session)
    for item in session.items.order_by("order"):
        meeting = item.deliberation
        drive.statements(meeting, ["support"] * 4)
        s.meeting_decide(meeting=meeting, by=secretary, head_decision="adopt", statement="同意。")
    s.session_conclude(session=session, by=secretary)
    return session


def _section():
    return decisions_section(YEAR)


def _text(section) -> str:
    return "".join(section["sentences"])


def test_only_the_items_that_are_major_decisions_count_as_decisions_taken(held_session):
    section = _section()
    figures = section["figures"]

    assert Meeting.objects.filter(status="concluded").count() == 3
    assert figures["decided"]["adopt"] == 1
    assert sum(figures["decided"].values()) == 1
    assert figures["head_spoke_last"] == 1
    assert "集体讨论决定重大行政决策1项" in _text(section)
    # The figure follows the decision's meetings: a non-decision item made a decision counts.
    other = held_session.items.get(kind="other").deliberation
    Meeting.objects.filter(pk=other.pk).update(decision=held_session.items.get(order=1).decision)
    assert sum(_section()["figures"]["decided"].values()) == 2


def test_the_sessions_figures_and_their_sentences(held_session):
    section = _section()
    sessions = section["figures"]["sessions"]

    assert sessions == {
        "held": {"executive": 1, "plenary": 0},
        "items_deliberated": {"major_decision": 1, "normative_document": 1, "other": 1},
        "items_deferred": 0,
        "items_checked": {"major_decision": 1, "normative_document": 1, "other": 1},
        "head_spoke_last_on_every_item": 1,
    }
    text = _text(section)
    assert "全年召开县政府常务会议1次、全体会议0次，审议议题3项" in text
    assert "重大行政决策事项1项、行政规范性文件1项、其他议题1项" in text
    assert "县政府主要负责人在1次会议上对全部议题末位发言" in text
    assert "落实政府常务会议议题合法性审核" in text
    assert "议题经司法行政部门合法性审核3项" in text
    assert "【待补充】" not in text
    # Each figure traces to its query (the report refuses a figure without one).
    traced = {row["name"]: row["query"] for row in _traced_figures({"decisions": section})}
    assert "decisions.Session" in traced["decisions.sessions.held.plenary"]
    assert "checked_at" in traced["decisions.sessions.items_checked.other"]


def _principal_not_last():
    statement = Statement.objects.filter(
        meeting__item__kind="other", speaker=Session.objects.get().principal
    ).get()
    Statement.objects.filter(pk=statement.pk).update(order=0)


MUTATIONS = {
    "session kind": (
        lambda: Session.objects.update(kind="plenary"),
        ("held", "plenary"),
        1,
        "常务会议0次、全体会议1次",
    ),
    "session held the year before": (
        lambda: Session.objects.update(held_at=datetime(2025, 12, 31, 15, 0, tzinfo=UTC)),
        ("held", "executive"),
        0,
        "常务会议0次、全体会议0次",
    ),
    "session held on new year's day in the county": (
        lambda: Session.objects.update(held_at=datetime(2026, 12, 31, 16, 30, tzinfo=UTC)),
        ("held", "executive"),
        0,
        "常务会议0次、全体会议0次",
    ),
    "an item not decided": (
        lambda: Meeting.objects.filter(item__kind="other").update(head_decision=""),
        ("items_deliberated", "other"),
        0,
        "审议议题2项",
    ),
    "an item's check found it unlawful": (
        lambda: AgendaItem.objects.filter(kind="other").update(check_outcome="unlawful"),
        ("items_checked", "other"),
        0,
        "合法性审核2项",
    ),
    "a decision's review not approved": (
        lambda: LegalityReview.objects.update(status=LegalityReview.Status.AWAITING_APPROVAL),
        ("items_checked", "major_decision"),
        0,
        "合法性审核2项",
    ),
    "a document's review found it unlawful": (
        lambda: __import__(
            "normdocs.models", fromlist=["LegalityReview"]
        ).LegalityReview.objects.update(outcome="unlawful"),
        ("items_checked", "normative_document"),
        0,
        "合法性审核2项",
    ),
    "the head not last on one item": (
        _principal_not_last,
        ("head_spoke_last_on_every_item",),
        0,
        "在0次会议上对全部议题末位发言",
    ),
}


@pytest.mark.parametrize("figure", list(MUTATIONS))
def test_changing_a_counted_record_changes_its_figure_and_sentence(figure, held_session):
    mutate, path, expected, phrase = MUTATIONS[figure]
    before = _section()

    mutate()
    after = _section()

    value = after["figures"]["sessions"]
    for key in path:
        value = value[key]
    assert value == expected
    assert _text(after) != _text(before)
    assert phrase in _text(after)


def test_a_planned_session_not_held_is_not_counted(drive):
    drive.plan_session(held_at=NINE_AM_SHANGHAI)

    assert _section()["figures"]["sessions"]["held"] == {"executive": 0, "plenary": 0}
