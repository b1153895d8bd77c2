"""/api/v1/normdocs/ and /api/v1/cleanups/: normative documents, filings and cleanups by API.

Each document action is one step declared in ``normdocs.steps``, as the staff page reads it:
the same form parses its fields and the same single service runs. The page shows only the
actions open to the reader; the API says why one is not: 403 when the caller's roles never
allow it on this document, 409 when they do but the document is not in a state for it.

documents.py    /api/v1/normdocs/: documents and one operation per declared step
serializers.py  their representations, and the bodies the document operations take
cleanups.py     /api/v1/cleanups/: cleanup campaigns, their items and verdicts
"""

from workflows.api.routers import router

from .cleanups import CleanupItemSerializer, CleanupSerializer, CleanupViewSet
from .documents import REFUSALS, DocumentViewSet, DraftingBodyViewSet
from .serializers import DocumentDetailSerializer, DocumentSerializer, DraftingBodySerializer

router.register("normdocs", DocumentViewSet, basename="normdoc")
router.register("cleanups", CleanupViewSet, basename="cleanup")
router.register("drafting-bodies", DraftingBodyViewSet, basename="drafting-body")

__all__ = [
    "REFUSALS",
    "CleanupItemSerializer",
    "CleanupSerializer",
    "CleanupViewSet",
    "DocumentDetailSerializer",
    "DocumentSerializer",
    "DocumentViewSet",
    "DraftingBodySerializer",
    "DraftingBodyViewSet",
]
