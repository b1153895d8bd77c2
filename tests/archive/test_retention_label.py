"""An export's retention class is shown by its name in the reader's language, not its code."""

from django.utils import translation

from workflows.archive.models import ArchiveExport


def test_the_retention_class_is_named_not_coded():
    with translation.override("zh-hans"):
        assert ArchiveExport(retention_code="permanent").retention_label == "永久"
        assert ArchiveExport(retention_code="30y").retention_label == "30年"
    with translation.override("en"):
        assert ArchiveExport(retention_code="10y").retention_label == "10 years"
    assert ArchiveExport(retention_code="").retention_label == ""
