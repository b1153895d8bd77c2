"""Generated .docx files that are the same bytes every time their content is the same.

python-docx writes every zip entry with the current time, in the order its parts were loaded,
and leaves the core properties of its template. A document that goes into an archive package
must not change between two exports of the same sealed subject (the package is compared with
an earlier copy to prove nothing changed), so ``docx_bytes`` fixes what python-docx leaves to
chance: the core properties are set from the document's own date (the act it records, never
"now"), and the zip is rewritten with its entries sorted by name (``[Content_Types].xml``
sorts first, as OPC readers expect) and stamped 1980-01-01 00:00, the zip format's epoch.
"""

import datetime as dt
import io
import zipfile

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def docx_bytes(document, *, at: dt.datetime | dt.date, title: str = "") -> bytes:
    """``document`` (a python-docx Document) saved reproducibly; ``at`` dates it."""
    if not isinstance(at, dt.datetime):
        at = dt.datetime.combine(at, dt.time(), tzinfo=dt.UTC)
    at = at.astimezone(dt.UTC).replace(microsecond=0, tzinfo=None)
    properties = document.core_properties
    properties.created = at
    properties.modified = at
    properties.revision = 1
    properties.author = "Fazhi"
    properties.last_modified_by = "Fazhi"
    properties.comments = ""
    properties.title = title
    buffer = io.BytesIO()
    document.save(buffer)
    return zip_normalised(buffer.getvalue())


def zip_normalised(data: bytes) -> bytes:
    """The zip ``data`` rewritten with sorted entries, fixed timestamps and no extra fields."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target,
    ):
        for name in sorted(info.filename for info in source.infolist()):
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(name))
    return out.getvalue()
