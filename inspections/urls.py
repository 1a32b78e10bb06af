from django.urls import path

from .views import checklist, conflicts, documents, indicators, plans, visits

app_name = "inspections"

urlpatterns = [
    path("", visits.home, name="home"),
    path("visits/", visits.inspection_list, name="inspection_list"),
    path("visits/new/", visits.inspection_create, name="inspection_create"),
    path("visits/<int:pk>/", visits.inspection_detail, name="inspection_detail"),
    path(
        "visits/<int:pk>/checklist/<int:clause_pk>/",
        checklist.checklist_record,
        name="checklist_record",
    ),
    path(
        "visits/<int:pk>/checklist/pass-section/",
        checklist.checklist_pass_section,
        name="checklist_pass_section",
    ),
    path("visits/<int:pk>/findings/", visits.findings_panel, name="findings_panel"),
    path("visits/<int:pk>/findings/add/", visits.finding_add, name="finding_add"),
    path(
        "visits/<int:pk>/findings/<int:finding_pk>/edit/",
        visits.finding_edit,
        name="finding_edit",
    ),
    path(
        "visits/<int:pk>/findings/<int:finding_pk>/remove/",
        visits.finding_remove,
        name="finding_remove",
    ),
    path("visits/<int:pk>/commit/", visits.inspection_commit, name="inspection_commit"),
    path("visits/<int:pk>/documents/", documents.document_issue, name="document_issue"),
    path("documents/", documents.document_list, name="document_list"),
    path("documents/<int:pk>/pdf/", documents.document_download, name="document_download"),
    path("documents/<int:pk>/void/", documents.document_void, name="document_void"),
    path("plans/", plans.plan_list, name="plan_list"),
    path("plans/new/", plans.plan_create, name="plan_create"),
    path("plans/<int:pk>/", plans.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/draw/", plans.draw_create, name="draw_create"),
    path("draws/<int:pk>/", plans.draw_detail, name="draw_detail"),
    path("draws/<int:pk>/verify/", plans.draw_verify, name="draw_verify"),
    path(
        "draws/<int:pk>/targets/<int:target_pk>/schedule/",
        plans.draw_schedule,
        name="draw_schedule",
    ),
    path("public/draws/<uuid:public_id>/", plans.draw_public, name="draw_public"),
    path("indicators/", indicators.indicator_page, name="indicators"),
    path("conflicts/", conflicts.conflict_list, name="conflict_list"),
    path("conflicts/<int:pk>/withdraw/", conflicts.conflict_withdraw, name="conflict_withdraw"),
]
