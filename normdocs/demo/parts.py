"""Each part of the normative-document demo, written through the services and back-dated to the
day each act was done; each part is skipped when it is already there."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from workflows.demo import COUNTY, FURTHER_BODIES
from workflows.models import Unit
from workflows.permissions import role_grant
from workflows.services import person_ensure

from .. import rules, selectors, services
from ..models import (
    CleanupCampaign,
    DraftingBody,
    Filing,
    FilingBody,
    LegalityReview,
    NormativeDocument,
)
from .data import (
    BODIES_CONFIRMED_ON,
    CLEANUP_2021,
    CLEANUP_TITLE,
    COUNTY_DOCUMENT_2022,
    FILINGS_2021,
    JUSTICE,
    LISTS_PUBLISHED_ON,
    REGULAR_OPENED_ON,
    SPECIAL_CLEANUPS_2021,
    TOWNSHIP,
    WEBSITE,
)


def _user(username):
    return get_user_model().objects.get(username=username)


def _bodies() -> None:
    admin = _user("admin")
    county = Unit.objects.get(name=COUNTY)
    for name, code, kind in FURTHER_BODIES:
        unit = Unit.objects.get(name=name, parent=county)
        if not DraftingBody.objects.filter(unit=unit).exists():
            services.drafting_body_register(
                unit=unit,
                kind=kind,
                legal_basis="法律、法规授权" if kind != "department" else "本单位“三定”方案",
                issuer_codes=[code],
                by=admin,
                on=BODIES_CONFIRMED_ON,
            )
    for unit in Unit.objects.exclude(kind=Unit.Kind.OTHER).exclude(issuer_code=""):
        if DraftingBody.objects.filter(unit=unit).exists():
            continue
        kind = {"government": "government", "department": "department", "township": "township"}[
            unit.kind
        ]
        basis = {
            "government": "《中华人民共和国地方各级人民代表大会和地方各级人民政府组织法》第七十三条",
            "department": "《地方各级人民代表大会和地方各级人民政府组织法》第七十九条；本单位“三定”方案",
            "township": "《地方各级人民代表大会和地方各级人民政府组织法》第七十六条",
        }[kind]
        services.drafting_body_register(
            unit=unit,
            kind=kind,
            legal_basis=basis,
            issuer_codes=[unit.issuer_code],
            by=admin,
            on=BODIES_CONFIRMED_ON,
        )


def _filing_bodies() -> None:
    """The bodies outside the installation the county government files its documents with
    (自治区人民政府令第218号): the prefecture government and the county's standing committee."""
    county = Unit.objects.get(name=COUNTY)
    for name, kind in (
        ("克孜勒苏柯尔克孜自治州人民政府", FilingBody.Kind.PREFECTURE_GOVERNMENT),
        ("乌恰县人大常委会", FilingBody.Kind.STANDING_COMMITTEE),
    ):
        FilingBody.objects.get_or_create(filer=county, name=name, defaults={"kind": kind})


def _people(password: str) -> None:
    county = Unit.objects.get(name=COUNTY)
    justice, township = Unit.objects.get(name=JUSTICE), Unit.objects.get(name=TOWNSHIP)
    person_ensure(
        username="county_drafter",
        full_name="古丽娜尔",
        unit=Unit.objects.get(name="乌恰县人民政府办公室"),
        job_title="科员",
        password=password,
        roles={"drafter": [county]},
    )
    person_ensure(
        username="township_head",
        full_name="艾尔肯",
        unit=township,
        job_title="乡长",
        password=password,
        roles={"unit_head": [township], "publisher": [township]},
    )
    # The demo publisher registers and publishes for 司法局 as well as for the county.
    role_grant(user=_user("publisher"), role="publisher", unit=justice)


def _cleanup_2021() -> None:
    if CleanupCampaign.objects.filter(title=CLEANUP_TITLE).exists():
        return
    admin, advisor = _user("admin"), _user("legal_advisor")
    documents = []
    for body_name, number, title, published_on, _outcome, _reason in CLEANUP_2021:
        documents.append(
            NormativeDocument.objects.filter(number=number).first()
            or services.normdoc_import_published(
                by=admin,
                drafting_body=DraftingBody.objects.get(unit__name=body_name),
                title=title,
                number=number,
                published_on=published_on,
                cited_laws="《中华人民共和国行政处罚法》"
                if "处罚" in title or "罚没" in title
                else "",
            )
        )
    county = Unit.objects.get(name=COUNTY)
    by_number = {d.number: d for d in documents}
    special = {n for *_rest, numbers in SPECIAL_CLEANUPS_2021 for n in numbers}
    campaigns = [
        (
            "special",
            title,
            law,
            opened_on,
            [by_number[n].pk for n in numbers],
        )
        for title, law, opened_on, numbers in SPECIAL_CLEANUPS_2021
    ]
    campaigns.append(
        (
            "regular",
            CLEANUP_TITLE,
            "",
            REGULAR_OPENED_ON,
            [d.pk for d in documents if d.number not in special],
        )
    )
    deciders = {COUNTY: _user("county_drafter"), JUSTICE: _user("drafter")}
    outcomes = {
        number: (body, outcome, reason) for body, number, _t, _p, outcome, reason in CLEANUP_2021
    }
    for kind, title, law, opened_on, scope in campaigns:
        campaign = services.cleanup_open(
            kind=kind,
            government=county,
            by=advisor,
            title=title,
            scope={"documents": scope},
            on=opened_on,
            ordered_by=law,
        )
        for item in selectors.cleanup_entries(campaign):
            body, outcome, reason = outcomes[item.document.number]
            services.cleanup_item_decide(
                item=item,
                by=deciders[body],
                outcome=outcome,
                reason=reason,
                on=opened_on + timedelta(days=20),
            )
        services.cleanup_close(
            campaign=campaign, by=advisor, published_on=LISTS_PUBLISHED_ON, published_where=WEBSITE
        )
    heads = {COUNTY: _user("principal"), JUSTICE: _user("unit_head")}
    for body, number, *_rest in CLEANUP_2021:
        _renew_if_lapsing(NormativeDocument.objects.get(number=number), heads[body])


def _renew_if_lapsing(document: NormativeDocument, head) -> None:
    """Evaluated and renewed a month before its five years ran out, as the county does."""
    if document.status == "in_force" and document.valid_until < timezone.localdate() + timedelta(
        days=60
    ):
        services.normdoc_renew(
            document=document,
            by=head,
            decision_reference="县人民政府常务会议纪要"
            if document.is_government_document
            else "局务会议纪要",
            reason="有效期届满前评估，仍需继续实施",
            on=document.valid_until - timedelta(days=30),
        )


def _filings_2021() -> None:
    advisor, reviewer = _user("legal_advisor"), _user("filing_reviewer")
    people = {
        JUSTICE: {
            "drafter": _user("drafter"),
            "head": _user("unit_head"),
            "publisher": _user("publisher"),
        },
        TOWNSHIP: {
            "drafter": _user("township_drafter"),
            "head": _user("township_head"),
            "publisher": _user("township_head"),
        },
    }
    for body_name, title, doc_type, published_on, outcome in FILINGS_2021:
        if NormativeDocument.objects.filter(title=title).exists():
            continue
        p = people[body_name]
        body = DraftingBody.objects.get(unit__name=body_name)
        with transaction.atomic():
            reviewed_on = published_on + timedelta(days=25)
            document = services.normdoc_create(
                by=p["drafter"],
                drafting_body=body,
                title=title,
                doc_type=doc_type,
                legal_basis="《新疆维吾尔自治区行政规范性文件管理办法》",
                text=f"{title}\n\n第一条　为了规范本单位工作，根据有关法律法规，结合本地实际，制定本办法。",
            )
            submitted = published_on - timedelta(days=45)
            review = services.legality_review_submit(
                document=document,
                by=p["drafter"],
                on=submitted,
                drafting_explanation="根据上位法和本地实际起草，已征求相关单位意见。",
                comment_account="已公开征求意见，未收到反对意见。",
            )
            services.legality_review_conclude(
                review=review,
                by=advisor,
                outcome=LegalityReview.Outcome.LAWFUL,
                opinion="制定主体合法，内容未增设许可、处罚、强制、收费事项，程序完备",
                checklist={key: {"ok": True, "note": ""} for key in rules.CONTENT_LIMITS},
                on=submitted + timedelta(days=14),
            )
            services.normdoc_send_to_deliberation(document=document, by=p["drafter"])
            services.normdoc_deliberate(
                document=document,
                by=p["head"],
                meeting_kind="office_meeting",
                meeting_on=published_on - timedelta(days=10),
                adopted=True,
            )
            services.normdoc_register(
                document=document, by=p["publisher"], on=published_on - timedelta(days=3)
            )
            services.normdoc_publish(
                document=document, by=p["publisher"], published_on=published_on
            )
            filing = Filing.objects.get(document=document)
            services.filing_submit(
                filing=filing, by=p["publisher"], received_on=published_on + timedelta(days=12)
            )
            if outcome == "return_then_accept":
                services.filing_return(
                    filing=filing,
                    by=reviewer,
                    missing="缺少起草说明和征求意见情况",
                    on=published_on + timedelta(days=15),
                )
                services.filing_submit(
                    filing=filing, by=p["publisher"], received_on=published_on + timedelta(days=20)
                )
            services.filing_accept(
                filing=filing, by=reviewer, opinion="经审查，未发现问题，予以备案", on=reviewed_on
            )
            document.refresh_from_db()
            _renew_if_lapsing(document, p["head"])


def _county_document_filed_outside() -> None:
    """A county-government document (2022) drafted by 政府办, reviewed by 司法局, deliberated
    at the executive meeting and published: it is filed with the two bodies outside the
    installation (自治区人民政府令第218号), the prefecture government and the county's standing
    committee. The clerk (the county's publisher) records both submissions and receipts, and
    the prefecture's outcome; the standing committee's review is still running."""
    spec = COUNTY_DOCUMENT_2022
    if NormativeDocument.objects.filter(title=spec["title"]).exists():
        return
    drafter, advisor = _user("county_drafter"), _user("legal_advisor")
    secretary, publisher = _user("secretary"), _user("publisher")
    published_on = spec["published_on"]
    with transaction.atomic():
        document = services.normdoc_create(
            by=drafter,
            drafting_body=DraftingBody.objects.get(unit__name=COUNTY),
            title=spec["title"],
            doc_type="规",
            legal_basis="《农村公路建设管理办法》；《新疆维吾尔自治区行政规范性文件管理办法》",
            text=(
                f"{spec['title']}\n\n第一条　为了加强农村公路养护管理，保障农村公路完好"
                "畅通，根据《公路法》等法律法规，结合本县实际，制定本办法。"
            ),
        )
        submitted = published_on - timedelta(days=45)
        review = services.legality_review_submit(
            document=document,
            by=drafter,
            on=submitted,
            drafting_explanation="根据《公路法》和本县实际起草，已征求县交通运输局和各乡镇意见。",
            comment_account="已在县人民政府网站公开征求意见30日，未收到反对意见。",
        )
        services.legality_review_conclude(
            review=review,
            by=advisor,
            outcome=LegalityReview.Outcome.LAWFUL,
            opinion="制定主体合法，内容未增设许可、处罚、强制、收费事项，程序完备",
            checklist={key: {"ok": True, "note": ""} for key in rules.CONTENT_LIMITS},
            on=submitted + timedelta(days=14),
        )
        services.normdoc_send_to_deliberation(document=document, by=drafter)
        services.normdoc_deliberate(
            document=document,
            by=secretary,
            meeting_kind="executive_meeting",
            meeting_on=published_on - timedelta(days=10),
            adopted=True,
        )
        services.normdoc_register(
            document=document, by=publisher, on=published_on - timedelta(days=3)
        )
        services.normdoc_publish(document=document, by=publisher, published_on=published_on)
        for body, (reference, submitted_on, received_on, outcome) in spec["filings"].items():
            filing = Filing.objects.get(document=document, receiving_body__name=body)
            services.filing_external_submit(
                filing=filing,
                by=publisher,
                reference=reference,
                materials="规范性文件正式文本、备案报告、起草说明、合法性审核意见",
                submitted_on=submitted_on,
            )
            services.filing_external_receipt(filing=filing, by=publisher, received_on=received_on)
            if outcome is not None:
                result, on, outcome_reference = outcome
                services.filing_external_outcome(
                    filing=filing,
                    by=publisher,
                    outcome=result,
                    on=on,
                    reference=outcome_reference,
                    opinion="经审查，未发现问题，予以备案",
                )
        document.refresh_from_db()
        _renew_if_lapsing(document, _user("principal"))


def _due_for_renewal() -> None:
    """A document whose five years end three weeks from today: the reminders are running."""
    title = "乌恰县城乡居民医疗救助实施办法"
    if NormativeDocument.objects.filter(title=title).exists():
        return
    published_on = rules.add_years(timezone.localdate() + timedelta(days=22), -5)
    # Issued by the civil-affairs bureau: the county issued nothing in its own name in 2021.
    services.normdoc_import_published(
        by=_user("admin"),
        drafting_body=DraftingBody.objects.get(unit__name="乌恰县民政局"),
        title=title,
        number=f"恰民规〔{published_on.year}〕9号",
        published_on=published_on,
        index_number=f"24K458996/{published_on.year}-00630",
    )
    services.validity_sweep()


def load(*, password: str) -> None:
    """Load the normative-document demo; run after workflows.demo.load_organisation."""
    _bodies()
    _filing_bodies()
    _people(password)
    _cleanup_2021()
    _filings_2021()
    _county_document_filed_outside()
    _due_for_renewal()
