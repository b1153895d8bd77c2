"""Forms of the staff screens. They only parse input; the services decide.

Every choice is limited to the decision's own objects (its comments, its expert opinions, the
members of its government), so a form can never name somebody else's record.

fields.py    shared widgets, choice fields and text helpers (``lines``, ``option_blocks``)
drafting.py  proposal, draft, public comment, experts, risk assessment
review.py    legality review, and ``ConfirmForm``
meeting.py   meeting, statements, the head's decision, party report, publication
pages.py     pages outside the flow: attachments, hearings, catalogue, execution, evaluation
"""

from .drafting import (
    CommentChoiceField,
    ConsultationOpenForm,
    DecisionStartForm,
    DispositionForm,
    DraftForm,
    ExpertChoiceField,
    ExpertChooseForm,
    ExpertHandlingForm,
    ExpertOpinionForm,
    ExpertWithdrawForm,
    OpinionChoiceField,
    RiskAssessmentForm,
    SelectionChoiceField,
)
from .fields import (
    DATE,
    DATETIME,
    MultipleFileField,
    MultipleFileInput,
    PeopleChoiceField,
    PersonChoiceField,
    lines,
    option_blocks,
    options_text,
    person_label,
)
from .meeting import (
    HeadDecisionForm,
    MeetingOpenForm,
    PartyReportForm,
    PublicationForm,
    StatementForm,
)
from .pages import (
    AdjustmentForm,
    CatalogueAdjustForm,
    CatalogueItemForm,
    ExecutionReportForm,
    HearingRecordForm,
    HearingScheduleForm,
    PostEvaluationReportForm,
    PostEvaluationStartForm,
    UploadForm,
)
from .review import (
    ConfirmForm,
    LegalityReturnForm,
    LegalityReviewForm,
    LegalitySubmitForm,
    OpinionSendBackForm,
)

__all__ = [
    "AdjustmentForm",
    "CatalogueAdjustForm",
    "CatalogueItemForm",
    "CommentChoiceField",
    "ConfirmForm",
    "ConsultationOpenForm",
    "DATE",
    "DATETIME",
    "DecisionStartForm",
    "DispositionForm",
    "DraftForm",
    "ExecutionReportForm",
    "ExpertChoiceField",
    "ExpertChooseForm",
    "ExpertHandlingForm",
    "ExpertOpinionForm",
    "ExpertWithdrawForm",
    "HeadDecisionForm",
    "HearingRecordForm",
    "HearingScheduleForm",
    "LegalityReturnForm",
    "LegalityReviewForm",
    "LegalitySubmitForm",
    "OpinionSendBackForm",
    "MeetingOpenForm",
    "MultipleFileField",
    "MultipleFileInput",
    "OpinionChoiceField",
    "PartyReportForm",
    "PeopleChoiceField",
    "PersonChoiceField",
    "PostEvaluationReportForm",
    "PostEvaluationStartForm",
    "PublicationForm",
    "RiskAssessmentForm",
    "SelectionChoiceField",
    "StatementForm",
    "UploadForm",
    "lines",
    "option_blocks",
    "options_text",
    "person_label",
]
