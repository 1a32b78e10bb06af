"""What the reports API views share: file downloads next to JSON answers."""

from __future__ import annotations

from rest_framework.renderers import BaseRenderer, JSONRenderer

from .web import XLSX


class PdfRenderer(BaseRenderer):
    """Lets a client that asks only for PDF download one; the view returns the bytes."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class XlsxRenderer(PdfRenderer):
    media_type = XLSX
    format = "xlsx"


class FileActionsMixin:
    """File endpoints (notice.pdf, report.xlsx …) are routed explicitly in config/api.py, without
    the router's trailing slash; errors still answer in JSON."""

    file_renderers: dict = {"pdf": PdfRenderer, "xlsx": XlsxRenderer}

    def get_renderers(self):
        if self.action in self.file_renderers:
            return [JSONRenderer(), self.file_renderers[self.action]()]
        return super().get_renderers()
