"""Real Chromium: every staff page a demo person can reach speaks Chinese (issue 18).

The demo county (``manage.py demo``) is loaded; each demo person logs in with a zh-CN browser
and the crawl follows, breadth first, every same-site link of the inbox and the sidebar and of
the pages they lead to. Page types are told apart by their URL with the numbers collapsed
(``/decisions/register/17/`` and ``/decisions/register/18/`` are one type), each type visited a
few times per person, and the pages per person capped, so the crawl stays within minutes.

A page fails when its visible text (``document.body.innerText``, the page's title and the
``title`` attributes of its links and buttons) holds a Latin word outside the allow-list below,
or when it answers 500. Material's icons are ligatures (``<i class="material-icons">menu</i>``):
their words are drawn as pictures, not read, and are left out of the text.

A last check switches the language once: the English UI still speaks English.
"""

import re
from collections import defaultdict, deque
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.test import override_settings

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "demo-password-for-crawl"

# --- what may be Latin on a Chinese page -------------------------------------------------------

# Names of algorithms, formats and technical terms that Chinese texts also write in Latin
# letters, because they have no Chinese name in use; nothing else.
ALLOWED_WORDS = {
    "SM3",  # the national hash algorithm (GB/T 32905) the record is chained with
    "SHA-256",  # the record's other digest, and the archive package's manifests (BagIt)
    "docx",  # the file format of downloads, named as such on the download buttons
    "PDF",
    "OFD",  # 版式文档 (GB/T 33190), the format of official documents
    "BagIt",  # the archive package's format (RFC 8493)
    "JSON",
    "API",
    "ID",
    "URL",
    "e-mail",
    "IP",  # an IP address (IP 地址), in the administration's login log
    "LDAP",  # Django's own help text on password-based login names the directory protocol
    # Keys named as printed on the keyboard, in Django's hint on selecting several entries
    # (按住 Control 键或 Mac 上的 Command 键来选择多项).
    "Control",
    "Command",
    "Mac",
}

ALLOWED_LOWER = {word.lower() for word in ALLOWED_WORDS}

# Pages that list identifiers and recorded data, not words: the time zones of the tz database
# (Asia/Shanghai), which the schedule forms offer by their IANA names; the login logs' browser
# identifications (Mozilla/5.0 ...) and paths, as the browsers sent them.
IDENTIFIER_PAGES = {
    "/admin/django_celery_beat/crontabschedule/add/",
    # django-celery-beat's schedule pages: the registered task paths (workflows.clocks.tasks.sweep)
    # and their arguments as Python values, which the operator reads and types as they are.
    "/admin/django_celery_beat/periodictask/",
    "/admin/django_celery_beat/periodictask/add/",
    "/admin/django_celery_beat/clockedschedule/add/",
    "/admin/django_celery_beat/solarschedule/add/",
    "/admin/django_celery_beat/intervalschedule/add/",
    "/admin/axes/accesslog/",
    "/admin/axes/accessattempt/",
    "/admin/axes/accessfailurelog/",
}

# Paths the crawl never opens: leaving the session, files, the public portal (its own tests),
# the API and the administration's changes (a crawl must not delete the demo county).
SKIP = re.compile(
    r"/logout/|/accounts/|/i18n/|/jsi18n/|/static/|/media/|/public/|/api/"
    r"|/delete/|/password/|\.(docx|zip|json|csv|pdf|ofd|xml)$|/download|/export"
)

# Material's icon fonts draw these elements as pictures from their ligature words.
ICON_SELECTOR = ".material-icons, .material-icons-outlined, .material-symbols-outlined"

READ_PAGE = """(iconSelector) => {
    document.querySelectorAll(iconSelector).forEach((e) => { e.style.display = 'none'; });
    // Titles of links and buttons; the labels Material's fields draw inside their shadow DOM.
    const titles = Array.from(document.querySelectorAll(
        'a[title], button[title], md-outlined-text-field[label], md-filled-text-field[label]'))
        .map((e) => e.getAttribute('title') || e.getAttribute('label'));
    const links = Array.from(document.querySelectorAll('a[href]'))
        .filter((a) => !a.hasAttribute('download'))
        .map((a) => a.href);
    return {text: [document.title, document.body.innerText, ...titles].join('\\n'), links};
}"""

TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@+\-]*")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
HASH_HEX = re.compile(r"[0-9a-f]{16,}(\.\.\.|…)?|[0-9A-F]{16,}")
FILE_NAME = re.compile(r"[\w\-.]+\.(docx|pdf|ofd|zip|json|csv|txt|xml|png|jpg)", re.IGNORECASE)
WEB_ADDRESS = re.compile(r"https?://\S+")
# Chinese standards are numbered in Latin letters: 《生活饮用水卫生标准》（GB 5749—2022）,
# 《城镇供热管网设计标准》（CJJ/T 34—2022）.
STANDARD_NUMBER = re.compile(r"\b[A-Z]{2,4}(?:/[TZ])?\s*\d")

# Each person sees a page type at most twice, and once four people have seen it, the others
# skip it: a person's own pages (their inbox, their tasks) are still read, the shared ones
# (registers, the report) not twenty times over.
PAGES_PER_PERSON = 40
PAGES_FOR_THE_ADMINISTRATOR = 80  # the administration's pages on top of the staff site's
VISITS_PER_PATTERN = 2
VISITS_PER_PATTERN_IN_ALL = 8


def pattern_of(url: str) -> str:
    """The page type of a URL: its path with numbers and hex ids collapsed, query names kept."""
    parts = urlsplit(url)
    path = re.sub(r"/[0-9a-f]{8,}(?=/|$)|/\d+(?=/|$)", "/N", parts.path)
    query = "&".join(sorted(q.split("=")[0] for q in parts.query.split("&") if q))
    return f"{path}?{query}" if query else path


def foreign_words(text: str, known_names: set[str]) -> list[str]:
    """The Latin words of ``text`` a Chinese reader should not meet."""
    known = {name.lower() for name in known_names}  # a name may be capitalised, as a title
    found = []
    for token in TOKEN.findall(STANDARD_NUMBER.sub(" ", WEB_ADDRESS.sub(" ", text))):
        token = token.rstrip(".-_")
        if not LATIN_WORD.search(token):
            continue
        # Buttons print their labels in capitals (Material's text-transform): .DOCX is docx.
        if token.lower() in ALLOWED_LOWER or token.lower() in known:
            continue
        if HASH_HEX.fullmatch(token) or FILE_NAME.fullmatch(token):
            continue
        found.append(token)
    return found


def test_foreign_words_are_found_and_allowed_names_are_not():
    names = {"drafter", "drafter@example.org"}
    text = (
        "阶段：Draft 〔2026〕3号 SM3 SHA-256 drafter 3f2a9c0e1b7d4f6a9e8c7b6a5d4c3b2a 附件 意见.docx"
        " .DOCX 《生活饮用水卫生标准》（GB 5749—2022）（CJJ/T 34—2022）"
    )
    assert foreign_words(text, names) == ["Draft"]
    assert pattern_of("http://x/decisions/register/17/task/3/?page=2") == (
        "/decisions/register/N/task/N/?page"
    )


# --- the crawl ---------------------------------------------------------------------------------


@pytest.fixture
def demo_county(transactional_db):
    from workflows.demo import ACCOUNTS

    with override_settings(FAZHI_DEMO_PASSWORD=DEMO_PASSWORD):
        call_command("demo", quiet_accounts=True)
    return ACCOUNTS


def known_names_of(accounts) -> set[str]:
    """The demo people's usernames and e-mail addresses (the processes' demos add a few people
    to the accounts listed, e.g. normdocs' county_drafter)."""
    from django.contrib.auth import get_user_model

    names = {a.username for a in accounts}
    for user in get_user_model().objects.all():
        names.add(user.username)
        if user.email:
            names.add(user.email)
    return names


def sign_in(context, base, username, *, password=DEMO_PASSWORD):
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("button.vf-page-lockscreen__sidebar-content-action")
    assert "/accounts/login/" not in page.url, f"{username} could not sign in"
    return page


def crawl(
    page,
    base: str,
    known_names: set[str],
    visits_in_all: dict[str, int] | None = None,
    limit: int = PAGES_PER_PERSON,
):
    """Visit the pages reachable from the inbox; yield (url, status, foreign words)."""
    visits_in_all = visits_in_all if visits_in_all is not None else defaultdict(int)
    queue = deque([page.url, f"{base}/"])
    seen_urls: set[str] = set()
    visits: dict[str, int] = defaultdict(int)
    pages = 0
    while queue and pages < limit:
        url = urldefrag(queue.popleft()).url
        if url in seen_urls or not url.startswith(base) or SKIP.search(urlsplit(url).path):
            continue
        seen_urls.add(url)
        pattern = pattern_of(url)
        if pages and (
            visits[pattern] >= VISITS_PER_PATTERN
            or visits_in_all[pattern] >= VISITS_PER_PATTERN_IN_ALL
        ):
            continue
        visits[pattern] += 1
        visits_in_all[pattern] += 1
        try:
            response = page.goto(url, wait_until="domcontentloaded")
        except Exception as error:  # an attachment answers with a download, not a page
            if "Download is starting" in str(error):
                continue
            raise
        pages += 1
        if response is None:
            continue
        if not response.headers.get("content-type", "").startswith("text/html"):
            yield url, response.status, []
            continue
        seen = page.evaluate(READ_PAGE, ICON_SELECTOR)
        landed = pattern_of(page.url)
        words = [] if landed in IDENTIFIER_PAGES else foreign_words(seen["text"], known_names)
        yield page.url, response.status, words
        queue.extend(link for link in seen["links"] if link.startswith(base))


def test_every_staff_page_of_every_demo_person_speaks_chinese(browser, live_server, demo_county):
    known = known_names_of(demo_county)
    visits_in_all: dict[str, int] = defaultdict(int)
    failures = []
    errors = []
    read = 0
    for account in demo_county:
        context = browser.new_context(locale="zh-CN")
        try:
            page = sign_in(context, live_server.url, account.username)
            limit = PAGES_FOR_THE_ADMINISTRATOR if account.superuser else PAGES_PER_PERSON
            for url, status, words in crawl(page, live_server.url, known, visits_in_all, limit):
                read += 1
                path = url.removeprefix(live_server.url)
                if status >= 500:
                    errors.append(f"{account.username}: {status} {path}")
                if words:
                    unique = sorted(set(words))
                    failures.append(f"{account.username}: {path}: {' '.join(unique)}")
        finally:
            context.close()
    # The crawl reached the staff site, not just each login's landing page.
    assert read >= 5 * len(demo_county), read
    assert not errors, "Server errors:\n" + "\n".join(errors)
    assert not failures, "English on Chinese pages:\n" + "\n".join(failures)


def test_the_english_ui_still_speaks_english(login, page, live_server, archivist, county):
    """One switch of the language: the same person reads the record in English, with the
    labels this crawl made Chinese (the event's action, its fields, the unit by name)."""
    from workflows.record.services import record_append

    record_append(
        actor=archivist,
        action="decision_catalogue.item_created",
        subject=county,
        payload={"year": 2026, "title": "城区供热", "lead_unit": county.pk},
    )
    record = f"{live_server.url}/record/workflows.unit/{county.pk}/"
    login(archivist)
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.goto(record)
    chinese = page.evaluate(READ_PAGE, ICON_SELECTOR)["text"]
    assert "新增目录事项" in chinese and "承办单位" in chinese
    assert foreign_words(chinese, {archivist.username}) == []

    page.click("button[name=language][value=en]")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    page.goto(record)
    english = page.evaluate(READ_PAGE, ICON_SELECTOR)["text"]
    assert "Full-process record" in english
    assert "Catalogue item added" in english and "Lead unit" in english
    assert "新增目录事项" not in english and "承办单位" not in english
    assert "乌恰县人民政府" in english  # names stay as they are
