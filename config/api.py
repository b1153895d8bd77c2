"""The /api/ URL tree: version 1 of the REST API, its OpenAPI 3 schema and Swagger UI.

Apps add endpoints by registering viewsets on ``workflows.api.routers.router`` from their own
``api`` module; ``workflows.api.urls`` discovers those modules.
"""

from django.urls import include, path, re_path
from drf_spectacular.renderers import (
    OpenApiJsonRenderer,
    OpenApiJsonRenderer2,
    OpenApiYamlRenderer,
    OpenApiYamlRenderer2,
)
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.permissions import AllowAny

from workflows.api.permissions import IsStaffMember
from workflows.api.views import NotFoundView

urlpatterns = [
    path("v1/", include("workflows.api.urls")),
    # The schema is public: it describes endpoints, never data. JSON unless YAML is asked for
    # (``?format=yaml`` or an Accept header): what client generators read first.
    path(
        "schema/",
        SpectacularAPIView.as_view(
            permission_classes=[AllowAny],
            authentication_classes=[],
            renderer_classes=[
                OpenApiJsonRenderer,
                OpenApiJsonRenderer2,
                OpenApiYamlRenderer,
                OpenApiYamlRenderer2,
            ],
        ),
        name="api-schema",
    ),
    # Swagger UI for signed-in staff.
    path(
        "docs/",
        SpectacularSwaggerView.as_view(url_name="api-schema", permission_classes=[IsStaffMember]),
        name="api-docs",
    ),
    # [\s\S], not ".": a path with a newline in it is still the API's JSON 404, not the HTML
    # page (and an inline (?s) flag would break URL reversing).
    re_path(r"^[\s\S]*$", NotFoundView.as_view()),
]
