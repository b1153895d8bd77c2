"""The representations of /api/v1/normdocs/ and /api/v1/drafting-bodies/: a document in the
list and in detail (its filings, versions and the steps open on it), a drafting body, and the
bodies and query parameters the document operations take."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from workflows.api.forms import LinesField
from workflows.api.serializers import UnitBriefSerializer

from ..models import DocumentVersion, DraftingBody, Filing, NormativeDocument, Status
from ..steps import document_steps, filing, filings

# The document type: the register's series (恰政规〔2024〕1号 or 恰政发〔2024〕1号). The API's
# values are stable English words; the Chinese characters (the values before version 1.1)
# are still accepted on input.
DOC_TYPES = {"normative": "规", "general": "发"}
DOC_TYPE_CHOICES = [
    ("normative", "规 (规范性文件, the 规 series of the register)"),
    ("general", "发 (the 发 series)"),
]


class DocTypeField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=DOC_TYPE_CHOICES, **kwargs)

    def to_internal_value(self, data):
        legacy = {character: word for word, character in DOC_TYPES.items()}
        return super().to_internal_value(legacy.get(data, data))

    def to_representation(self, value):
        legacy = {character: word for word, character in DOC_TYPES.items()}
        return legacy.get(value, value)


class LinesTextField(serializers.ListField):
    """A text field of the register kept one entry per line, given as an array of strings."""

    def __init__(self, **kwargs):
        super().__init__(child=serializers.CharField(), read_only=True, **kwargs)

    def to_representation(self, value):
        return [line.strip() for line in (value or "").splitlines() if line.strip()]


class DraftingBodySerializer(serializers.ModelSerializer):
    unit = UnitBriefSerializer()

    class Meta:
        model = DraftingBody
        fields = ["id", "unit", "kind", "issuer_codes"]

    issuer_codes = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="The issuer codes (发文机关代字) its documents are numbered with, e.g. 恰政.",
    )


class DocumentSerializer(serializers.ModelSerializer):
    drafting_body = DraftingBodySerializer()
    doc_type = DocTypeField(read_only=True)

    class Meta:
        model = NormativeDocument
        fields = [
            "id",
            "title",
            "status",
            "number",
            "index_number",
            "issuer_code",
            "doc_type",
            "drafting_body",
            "touches_public_interest",
            "amends",
            "created_at",
            "registered_at",
            "published_on",
            "effective_on",
            "valid_until",
            "ended_on",
        ]


class FilingSerializer(serializers.ModelSerializer):
    """One filing of the document, with a government of the installation or a body outside."""

    # One of the two is null: a filing goes to a unit of the installation or to a body outside.
    receiving_unit = serializers.CharField(
        source="receiving_unit.name", default=None, allow_null=True, read_only=True
    )
    receiving_body = serializers.CharField(
        source="receiving_body.name", default=None, allow_null=True, read_only=True
    )

    class Meta:
        model = Filing
        fields = [
            "id",
            "receiving_unit",
            "receiving_body",
            "status",
            "due_on",
            "submitted_on",
            "reference",
            "received_on",
            "review_due_on",
            "correction_due_on",
            "outcome_on",
            "outcome_reference",
            "opinion",
        ]


class DocumentVersionSerializer(serializers.ModelSerializer):
    """One version of the text (征求意见稿 → 送审稿 → 修改稿 → 印发稿): its number, kind and
    SHA-256; the text itself is the document's ``text`` for the current version."""

    class Meta:
        model = DocumentVersion
        fields = ["number", "kind", "sha256", "created_at", "note"]


class DocumentOpenTaskSerializer(serializers.Serializer):
    """A step open on the document now, with who may take it (as the step declares)."""

    node = serializers.CharField(help_text="The step's key (normdocs.steps).")
    name = serializers.CharField()
    route = serializers.CharField(help_text="The operation: POST /api/v1/normdocs/{id}/<route>/.")
    roles = serializers.ListField(child=serializers.CharField())


class DocumentDetailSerializer(DocumentSerializer):
    legal_basis = LinesTextField(help_text="The legal basis, one entry per law or article.")
    # The filing with the government of the installation (kept for its readers); every
    # filing, in and outside the installation, is in ``filings``.
    filing_status = serializers.SerializerMethodField()
    open_tasks = serializers.SerializerMethodField()
    filings = serializers.SerializerMethodField()
    versions = serializers.SerializerMethodField()

    class Meta(DocumentSerializer.Meta):
        fields = [
            *DocumentSerializer.Meta.fields,
            "text",
            "legal_basis",
            "cited_laws",
            "immediate_effect_reason",
            "end_reason",
            "filing_status",
            "filings",
            "versions",
            "open_tasks",
        ]

    @extend_schema_field(DocumentOpenTaskSerializer(many=True))
    def get_open_tasks(self, document) -> list[dict]:
        return [
            {
                "node": step.key,
                "name": str(step.name),
                "route": step.key.replace("_", "-"),
                "roles": list(step.roles),
            }
            for step in document_steps().values()
            if step.is_open(document)
        ]

    @extend_schema_field(serializers.ChoiceField(choices=Filing.Status.choices, allow_null=True))
    def get_filing_status(self, document) -> str | None:
        found = filing(document)
        return found.status if found else None

    @extend_schema_field(FilingSerializer(many=True))
    def get_filings(self, document) -> list:
        return FilingSerializer(filings(document), many=True).data

    @extend_schema_field(DocumentVersionSerializer(many=True))
    def get_versions(self, document) -> list:
        # Oldest first; the texts of earlier versions are not loaded (only the current one is
        # given, as ``text``).
        versions = document.versions.order_by("number").defer("text")
        return DocumentVersionSerializer(versions, many=True).data


class DocumentQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    issuer = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, required=False, help_text="The issuing unit."
    )
    year = serializers.IntegerField(
        min_value=1949, max_value=2200, required=False, help_text="The year of publication."
    )
    number = serializers.CharField(
        max_length=60, required=False, help_text="Part of the document number, e.g. 恰政规〔2022〕."
    )


class DocumentCreateSerializer(serializers.Serializer):
    drafting_body = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    title = serializers.CharField(max_length=300)
    issuer_code = serializers.CharField(max_length=20, required=False, allow_blank=True)
    doc_type = DocTypeField(default="normative")
    text = serializers.CharField(max_length=200_000, required=False, allow_blank=True)
    legal_basis = LinesField(child=serializers.CharField(), required=False)
    cited_laws = serializers.CharField(required=False, allow_blank=True)
    touches_public_interest = serializers.BooleanField(required=False, default=False)
