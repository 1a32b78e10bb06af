from django.urls import path

from . import views

app_name = "ledger"

urlpatterns = [
    path("export.xlsx", views.export, name="export"),
    path("import/", views.import_upload, name="import_upload"),
    path("import/<int:pk>/", views.import_detail, name="import_detail"),
    path("import/<int:pk>/mapping/", views.import_mapping, name="import_mapping"),
    path("import/<int:pk>/commit/", views.import_commit, name="import_commit"),
]
