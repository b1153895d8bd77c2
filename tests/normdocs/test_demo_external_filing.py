"""The demo files a county-government document outside the installation (issue 17): with the
prefecture government (outcome back) and the county's standing committee (under review)."""

import pytest

from normdocs import demo
from normdocs.demo.data import COUNTY_DOCUMENT_2022
from normdocs.models import Filing, NormativeDocument
from workflows.demo import load_organisation
from workflows.record.models import Event

pytestmark = pytest.mark.django_db


def test_the_demo_files_a_county_document_with_both_bodies_outside_the_installation():
    load_organisation(password="demo-password-123")
    demo.load(password="demo-password-123")
    document = NormativeDocument.objects.get(title=COUNTY_DOCUMENT_2022["title"])
    assert document.drafting_body.kind == "government"
    assert document.number.startswith("恰政规〔2022〕")
    assert document.published_on == COUNTY_DOCUMENT_2022["published_on"]
    filings = {f.receiving_body.name: f for f in Filing.objects.filter(document=document)}
    assert set(filings) == {"克孜勒苏柯尔克孜自治州人民政府", "乌恰县人大常委会"}
    prefecture, committee = filings["克孜勒苏柯尔克孜自治州人民政府"], filings["乌恰县人大常委会"]
    assert prefecture.status == Filing.Status.ACCEPTED
    assert prefecture.outcome_reference == "克州政办备〔2022〕31号" and prefecture.closed_at
    assert committee.status == Filing.Status.RECEIVED and committee.outcome_on is None
    for filing in filings.values():
        assert filing.reference and filing.submitted_on <= filing.due_on
        assert filing.received_on and filing.review_due_on
    actions = set(Event.objects.filter(object_id=str(document.pk)).values_list("action", flat=True))
    assert {"normdoc.filing.submitted", "normdoc.filing.received"} <= actions

    counts = (NormativeDocument.objects.count(), Filing.objects.count(), Event.objects.count())
    demo.load(password="demo-password-123")
    assert (
        NormativeDocument.objects.count(),
        Filing.objects.count(),
        Event.objects.count(),
    ) == counts
