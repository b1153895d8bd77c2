"""The Atom feeds carry the texts as plain text: a reader renders ``<summary type="html">`` as
HTML, so markup a drafter typed must arrive as the characters typed, never as live markup
(the same payloads the pages are tested with)."""

from datetime import date
from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest

from decisions.models import Publication
from workflows.consultations.models import Consultation

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">点击</a>',
    '<b onmouseover="x()">bold</b>',
]
PAYLOAD = "草案正文\n" + "\n".join(HOSTILE)


class _Markup(HTMLParser):
    """The elements and attributes a feed reader would build from a summary, and its text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list]] = []
        self.text = ""

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_data(self, data):
        self.text += data


def summaries(client, url) -> dict[str, str]:
    response = client.get(url)
    assert response.status_code == 200
    feed = ElementTree.fromstring(response.content)
    return {
        entry.find(f"{ATOM}title").text: entry.find(f"{ATOM}summary").text or ""
        for entry in feed.iter(f"{ATOM}entry")
    }


def assert_plain_text(summary: str) -> None:
    markup = _Markup()
    markup.feed(summary)
    markup.close()
    # Only the paragraphs and line breaks of the text itself, and no attribute anywhere.
    assert {tag for tag, _ in markup.tags} <= {"p", "br"}, markup.tags
    assert all(not attrs for _, attrs in markup.tags), markup.tags
    # What the reader shows is what the drafter typed, character for character.
    for hostile in HOSTILE:
        assert hostile in markup.text


def test_the_consultation_feed_carries_the_draft_as_plain_text(client, open_consultation):
    Consultation.objects.filter(pk=open_consultation.pk).update(draft_text=PAYLOAD)
    found = summaries(client, "/public/consultations/feed/")
    assert_plain_text(found[open_consultation.title])


def test_the_decision_feed_carries_the_interpretation_as_plain_text(client, drive):
    decision = drive.up_to_meeting()
    drive.adopt(decision)
    decision = drive.publish(decision)
    Publication.objects.filter(decision=decision).update(interpretation=PAYLOAD)
    found = summaries(client, "/public/decisions/feed/")
    assert_plain_text(found[decision.title])


def test_the_decision_feed_carries_the_text_as_plain_text_without_an_interpretation(client, drive):
    decision = drive.up_to_meeting()
    drive.adopt(decision)
    decision = drive.publish(decision)
    Publication.objects.filter(decision=decision).update(interpretation="", text=PAYLOAD)
    found = summaries(client, "/public/decisions/feed/")
    assert_plain_text(found[decision.title])


def test_the_document_feed_carries_the_text_as_plain_text(client, bureau_body, officials):
    from normdocs import services

    document = services.normdoc_import_published(
        by=officials["publisher"],
        drafting_body=bureau_body,
        title="乌恰县测试办法",
        number="恰司规〔2022〕9号",
        published_on=date(2022, 3, 1),
        text=PAYLOAD,
    )
    found = summaries(client, "/public/documents/feed/")
    assert_plain_text(found[f"{document.number} {document.title}"])


def test_a_long_text_is_cut_in_the_feed_without_breaking_an_escape(client, open_consultation):
    # Cut at 500 characters, then escaped: a "<" at the cut is never half an entity.
    text = "长" * 499 + "<script>alert(1)</script>"
    Consultation.objects.filter(pk=open_consultation.pk).update(draft_text=text)
    summary = summaries(client, "/public/consultations/feed/")[open_consultation.title]
    markup = _Markup()
    markup.feed(summary)
    assert {tag for tag, _ in markup.tags} <= {"p", "br"}
    assert markup.text.strip() == "长" * 499 + "<…"
