"""The REST API under /api/v1/: shared machinery other apps build their endpoints on.

- ``permissions``: ``IsStaffMember``, ``is_administrator``;
- ``pagination``: ``CursorPage`` (the default for every list);
- ``exceptions``: ``Conflict`` (409), the error body shape and the handler;
- ``throttling``: ``PublicRateThrottle`` for endpoints without login;
- ``views``: ``VisibleObjectMixin``/``StaffViewSet`` base classes and ``error_responses``.
"""
