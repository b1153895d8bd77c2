"""Versions of the text (征求意见稿 → 送审稿 → 修改稿 → 印发稿) and the drafter's revision after the
review or the deliberation sent the draft back (国办发〔2018〕115号 三(四))."""

from datetime import date

import pytest

from normdocs import services
from normdocs.models import DocumentVersion, LegalityReview, Status, text_sha256
from normdocs.rules import RuleRefusal
from workflows.record.models import Event

from .conftest import CHECKLIST, submit_complete

pytestmark = pytest.mark.django_db

FIRST = "第一条　本县居民办理证明事项，须缴纳工本费十元。"
SECOND = "第一条　本县居民办理证明事项，不收取任何费用。"


@pytest.fixture
def draft(bureau_body, drafter):
    return services.normdoc_create(
        by=drafter,
        drafting_body=bureau_body,
        title="乌恰县司法局证明事项办理规定",
        text=FIRST,
        legal_basis="《法律援助法》",
    )


def _conclude(review, officials, outcome, checklist=CHECKLIST):
    return services.legality_review_conclude(
        review=review, by=officials["advisor"], outcome=outcome, opinion="意见", checklist=checklist
    )


def _last_event(document, action):
    return Event.objects.filter(object_id=str(document.pk), action=action).latest("seq")


def test_the_first_text_is_version_one_with_its_hash(draft, drafter):
    version = draft.versions.get()
    assert (version.number, version.kind, version.text) == (1, "for_review", FIRST)
    assert version.sha256 == text_sha256(FIRST) and version.created_by == drafter
    assert _last_event(draft, "normdoc.created").payload["version"]["number"] == 1


def test_a_draft_needing_amendment_is_revised_and_the_next_review_names_version_two(
    draft, drafter, officials
):
    first = submit_complete(document=draft, by=drafter)
    assert first.version.number == 1
    _conclude(first, officials, LegalityReview.Outcome.NEEDS_AMENDMENT)

    version = services.normdoc_revise(document=draft, by=drafter, text=SECOND, note="删除收费")
    draft.refresh_from_db()
    assert (version.number, version.kind) == (2, DocumentVersion.Kind.REVISED)
    assert draft.text == SECOND and draft.status == Status.DRAFT
    assert _last_event(draft, "normdoc.revised").payload["version"]["sha256"] == text_sha256(SECOND)

    second = submit_complete(document=draft, by=drafter)
    assert second.version == version and second.version.number == 2
    _conclude(second, officials, LegalityReview.Outcome.LAWFUL)
    payload = _last_event(draft, "normdoc.legality_review.concluded").payload
    assert payload["version"]["number"] == 2
    # The first version is kept as it was.
    assert draft.versions.get(number=1).text == FIRST


def test_a_revision_typed_in_a_browser_has_the_same_text_and_hash_as_one_sent_by_the_api(
    draft, drafter, officials
):
    """A textarea sends CRLF line ends; the version keeps LF, so the hash does not depend on
    which way the text came in."""
    _conclude(
        submit_complete(document=draft, by=drafter),
        officials,
        LegalityReview.Outcome.NEEDS_AMENDMENT,
    )
    typed = SECOND.replace("\n", "\r\n") + "\r\n第三条 本办法自发布之日起施行。"
    version = services.normdoc_revise(document=draft, by=drafter, text=typed)
    sent = SECOND + "\n第三条 本办法自发布之日起施行。"
    assert "\r" not in version.text and version.text == sent
    assert version.sha256 == text_sha256(sent)


def test_a_draft_rejected_at_deliberation_is_revised_and_passes_with_the_new_text_published(
    draft, drafter, officials, drive, client
):
    drive(draft, "deliberation", drafter=drafter)
    rejected = services.normdoc_deliberate(
        document=draft,
        by=officials["secretary"],
        meeting_kind="office_meeting",
        meeting_on=date.today(),
        adopted=False,
        note="收费无依据",
    )
    assert rejected.version.number == 1
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT

    assert _last_event(draft, "normdoc.deliberated").payload["version"]["number"] == 1
    revised = services.normdoc_revise(document=draft, by=drafter, text=SECOND)
    draft.refresh_from_db()
    drive(draft, "published", drafter=drafter, immediate_reason="便民事项，公布即施行")
    assert _last_event(draft, "normdoc.deliberated").payload["version"]["number"] == 2

    adopted = draft.deliberations.get(adopted=True)
    assert adopted.version == revised
    assert draft.reviews.order_by("-id")[0].version == revised
    issued = draft.versions.order_by("-number")[0]
    assert (issued.kind, issued.text, issued.note) == ("as_issued", SECOND, draft.number)
    assert [v.kind for v in draft.versions.all()] == ["for_review", "revised", "as_issued"]

    page = client.get(f"/public/documents/{draft.pk}/").content.decode()
    assert SECOND in page and FIRST not in page
    assert f'data-version="{issued.number}"' in page and issued.sha256 in page


def test_the_published_text_is_escaped(bureau_body, drafter, drive, client):
    document = services.normdoc_create(
        by=drafter, drafting_body=bureau_body, title="规定", text="第一条 <script>x()</script>"
    )
    drive(document, "published", drafter=drafter, immediate_reason="紧急")
    page = client.get(f"/public/documents/{document.pk}/").content.decode()
    assert "<script>x()</script>" not in page and "&lt;script&gt;x()&lt;/script&gt;" in page


def test_a_draft_never_reviewed_or_under_open_review_is_not_revised(draft, drafter, officials):
    with pytest.raises(RuleRefusal) as info:
        services.normdoc_revise(document=draft, by=drafter, text=SECOND)
    assert info.value.code == "revision_not_allowed"
    submit_complete(document=draft, by=drafter)
    with pytest.raises(RuleRefusal) as info:
        services.normdoc_revise(document=draft, by=drafter, text=SECOND)
    assert info.value.code == "revision_not_allowed"
    assert draft.versions.count() == 1


def test_only_a_drafter_of_the_body_revises(draft, drafter, officials):
    review = submit_complete(document=draft, by=drafter)
    _conclude(review, officials, LegalityReview.Outcome.UNLAWFUL)
    with pytest.raises(RuleRefusal) as info:
        services.normdoc_revise(document=draft, by=officials["publisher"], text=SECOND)
    assert info.value.code == "not_drafter"


def test_the_revise_step_is_offered_with_the_text_prefilled(draft, drafter, officials, client):
    from django.utils.html import escape

    review = submit_complete(document=draft, by=drafter)
    _conclude(review, officials, LegalityReview.Outcome.UNLAWFUL)
    client.force_login(drafter)
    url = f"/normdocs/register/{draft.pk}/"
    page = client.get(url).content.decode()
    assert 'data-testid="form-revise"' in page and escape(FIRST) in page
    client.post(url, {"action": "revise", "revise-text": SECOND, "revise-note": "改"})
    draft.refresh_from_db()
    assert draft.text == SECOND and draft.versions.count() == 2


def test_the_archive_package_holds_every_version_with_its_hash(
    draft, drafter, officials, drive, archivist, tmp_path
):
    import json

    from workflows.archive.check import package_check
    from workflows.archive.services import archive_export_now

    review = submit_complete(document=draft, by=drafter)
    _conclude(review, officials, LegalityReview.Outcome.UNLAWFUL)
    services.normdoc_revise(document=draft, by=drafter, text=SECOND)
    draft.refresh_from_db()
    drive(draft, "published", drafter=drafter, immediate_reason="紧急")
    services.normdoc_repeal(document=draft, by=officials["head"], on=date.today(), reason="清理")

    package = tmp_path / "doc"
    archive_export_now(kind="normdoc", object_id=draft.pk, by=archivist, directory=package)
    assert package_check(package).ok, package_check(package).as_text()
    content = package / "data" / "content"
    listed = json.loads((content / "versions.json").read_text(encoding="utf-8"))
    assert [(v["number"], v["kind"]) for v in listed] == [
        (1, "for_review"),
        (2, "revised"),
        (3, "as_issued"),
    ]
    for entry in listed:
        text = (content / entry["file"]).read_text(encoding="utf-8")
        assert text_sha256(text) == entry["sha256"]
    assert (content / "version-1-for_review.txt").read_text(encoding="utf-8") == FIRST


def test_the_api_revises_through_the_declared_step(draft, drafter, officials):
    from rest_framework.test import APIClient

    review = submit_complete(document=draft, by=drafter)
    _conclude(review, officials, LegalityReview.Outcome.NEEDS_AMENDMENT)
    client = APIClient()
    client.force_authenticate(drafter)
    response = client.post(
        f"/api/v1/normdocs/{draft.pk}/revise/", {"text": SECOND, "note": "删除收费"}, format="json"
    )
    assert response.status_code == 200, response.content
    draft.refresh_from_db()
    assert (draft.text, draft.status, draft.versions.count()) == (SECOND, Status.DRAFT, 2)
