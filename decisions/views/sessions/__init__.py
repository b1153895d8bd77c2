"""The session pages of the staff site (会议): the government's numbered sessions
(县政府第N次常务会议, 《重大行政决策程序暂行条例》第三十条), their agenda, attendance, the
deliberation of each item, the 会议纪要 and the verbatim 会议记录; and the proposed items (议题)
with their legality check by the review office (第二十五条、第二十八条; the seed's
落实政府常务会议议题合法性审核).

Who sees a session: the people of its government who meet in it (the meeting secretary, the
members, the administrative head), the review office, the people of the units whose items are
on its agenda, the people attending it, and archivists and administrators (read only). Only
the secretary changes it. Whatever a person may not see is a 404; an action a person may not
take on what they see is a 403 (style.md, Security). Every refusal of a service is shown at
its form.

A major decision on the agenda is deliberated through its own ``meeting`` task (the flow moves
on when the head decides); the session page links to that task. Any other item is deliberated
right here.

planning.py  the sessions' list and the planning of the next session
detail.py    one session: agenda, attendance, deliberation, the secretary's forms
papers.py    the 会议纪要 and 会议记录 of a concluded session, as DOCX
items.py     proposed items and their legality check
lookups.py   the session and the agenda item a request names, or a 404
"""

from .detail import SessionDetailView
from .items import ItemsView
from .lookups import session_get_for_user
from .papers import session_minutes_download, session_record_download
from .planning import SessionListView, SessionPlanView

__all__ = [
    "ItemsView",
    "SessionDetailView",
    "SessionListView",
    "SessionPlanView",
    "session_get_for_user",
    "session_minutes_download",
    "session_record_download",
]
