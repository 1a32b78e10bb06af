"""The OpenAPI schema and its browsable documentation: for signed-in users, or for anybody when
settings.API_DOCS_PUBLIC is on (read per request)."""

from django.conf import settings
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny, IsAuthenticated


class DocsPermissionMixin:
    def get_permissions(self):
        return [AllowAny() if settings.API_DOCS_PUBLIC else IsAuthenticated()]


class SchemaView(DocsPermissionMixin, SpectacularAPIView):
    pass


class DocsView(DocsPermissionMixin, SpectacularSwaggerSplitView):
    """Swagger UI with its start-up script served as a file (no inline script, see CSP)."""
