"""The papers of a concluded session as DOCX downloads: the 会议纪要 and the verbatim 会议记录
(第三十条)."""

from urllib.parse import quote

from django.http import Http404, HttpResponse

from ...documents import session_minutes_docx, session_record_docx, session_title
from ...models import Session
from .lookups import session_get_for_user

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _paper(request, pk: int, *, make, name: str, stem: str):
    if not request.user.is_authenticated:
        raise Http404
    session = session_get_for_user(user=request.user, pk=pk)
    if session.status != Session.Status.CONCLUDED:
        raise Http404
    response = HttpResponse(make(session), content_type=DOCX)
    # RFC 6266 / RFC 5987: the Chinese name as filename*=UTF-8''…, an ASCII name for the rest.
    chinese = quote(f"{session_title(session)}{name}.docx")
    response["Content-Disposition"] = (
        f"attachment; filename=\"{stem}-{session.pk}.docx\"; filename*=UTF-8''{chinese}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def session_minutes_download(request, pk: int):
    """The 会议纪要 of a concluded session (第三十条), issued by the government office."""
    return _paper(request, pk, make=session_minutes_docx, name="纪要", stem="session-minutes")


def session_record_download(request, pk: int):
    """The verbatim 会议记录 of a concluded session (第三十条: 如实记录)."""
    return _paper(request, pk, make=session_record_docx, name="记录", stem="session-record")
