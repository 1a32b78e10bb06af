"""Enterprise services: writing the registry, and the 名录库 import."""

from .imports import (
    IMPORT_COLUMNS,
    enterprise_import_commit,
    enterprise_import_preview,
    import_template,
)
from .registry import enterprise_create, enterprise_update

__all__ = [
    "IMPORT_COLUMNS",
    "enterprise_create",
    "enterprise_import_commit",
    "enterprise_import_preview",
    "enterprise_update",
    "import_template",
]
