from django.urls import path

from . import views

app_name = "inspections"

urlpatterns = [
    path("", views.home, name="home"),
    path("visits/", views.inspection_list, name="inspection_list"),
    path("visits/new/", views.inspection_create, name="inspection_create"),
    path("visits/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path(
        "visits/<int:pk>/checklist/<int:clause_pk>/",
        views.checklist_record,
        name="checklist_record",
    ),
    path("visits/<int:pk>/findings/", views.findings_panel, name="findings_panel"),
    path("visits/<int:pk>/findings/add/", views.finding_add, name="finding_add"),
    path(
        "visits/<int:pk>/findings/<int:finding_pk>/remove/",
        views.finding_remove,
        name="finding_remove",
    ),
    path("visits/<int:pk>/commit/", views.inspection_commit, name="inspection_commit"),
    path("visits/<int:pk>/documents/", views.document_issue, name="document_issue"),
    path("documents/", views.document_list, name="document_list"),
    path("documents/<int:pk>/pdf/", views.document_download, name="document_download"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/draw/", views.draw_create, name="draw_create"),
    path("draws/<int:pk>/", views.draw_detail, name="draw_detail"),
    path("draws/<int:pk>/verify/", views.draw_verify, name="draw_verify"),
    path(
        "draws/<int:pk>/targets/<int:target_pk>/schedule/",
        views.draw_schedule,
        name="draw_schedule",
    ),
    path("public/draws/<uuid:public_id>/", views.draw_public, name="draw_public"),
    path("indicators/", views.indicator_page, name="indicators"),
    path("conflicts/", views.conflict_list, name="conflict_list"),
    path("conflicts/<int:pk>/withdraw/", views.conflict_withdraw, name="conflict_withdraw"),
]
