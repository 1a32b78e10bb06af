from django.urls import path

from . import ledger_views

app_name = "ledger"

urlpatterns = [
    path("export.xlsx", ledger_views.export, name="export"),
    path("import/", ledger_views.import_upload, name="import_upload"),
    path("import/<int:pk>/", ledger_views.import_detail, name="import_detail"),
    path("import/<int:pk>/commit/", ledger_views.import_commit, name="import_commit"),
]
