"""The /api/v1/ router. Apps register their viewsets on it from their own ``api`` module::

    # decisions/api.py (or decisions/api/__init__.py)
    from workflows.api.routers import router
    router.register("decisions", DecisionViewSet, basename="decision")

``workflows.api.urls`` imports every installed app's ``api`` module before it builds the URLs.
"""

from rest_framework.routers import DefaultRouter

router = DefaultRouter(use_regex_path=False)
router.include_format_suffixes = False
