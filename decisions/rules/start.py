"""Rules of starting a decision and of the yearly catalogue: the government's decision to
start (第十条), the Party committee's consent to the catalogue (第三条), and what the draft
carries when it is submitted (第十二条、第十四条). Pure: callers pass every fact in."""

from datetime import date


def start_decision_missing(
    *, decided_by: str, decided_on: date | None, reference: str
) -> list[str]:
    """The government's decision to start the procedure and the lead unit it names is on record:
    who decided (the administrative head or the executive meeting), when, and its reference
    (a 批示, a meeting number) — 《重大行政决策程序暂行条例》第十条 (决策机关决定启动决策程序的，
    应当明确决策承办单位). Returns the missing parts."""
    missing = []
    if not (decided_by or "").strip():
        missing.append("start_decided_by")
    if decided_on is None:
        missing.append("start_decided_on")
    if not (reference or "").strip():
        missing.append("start_reference")
    return missing


def drafting_explanation_missing(*, explanation: str) -> bool:
    """The draft goes out with its explanation (决策草案说明: the basis, the main content and the
    reasons of the draft): 《重大行政决策程序暂行条例》第十四条 (公开征求意见的，应当公布决策草案
    及其说明等材料)."""
    return not (explanation or "").strip()


def party_consent_missing(
    *, consented_by: str, consented_on: date | None, reference: str
) -> list[str]:
    """The catalogue is published after the same-level Party committee consented: who, when,
    under which reference — 《重大行政决策程序暂行条例》第三条 (决策事项目录和标准经同级党委同意
    后向社会公布). Returns the missing parts."""
    missing = []
    if not (consented_by or "").strip():
        missing.append("party_consent_by")
    if consented_on is None:
        missing.append("party_consent_on")
    if not (reference or "").strip():
        missing.append("party_consent_reference")
    return missing
