from django.urls import path

from . import views
from .disclosure import views as disclosure_views

app_name = "approvals"

urlpatterns = [
    path("services/", views.catalogue, name="catalogue"),
    path("services/<str:code>/", views.guide, name="guide"),
    path("services/<str:code>/apply/", views.apply, name="apply"),
    path("me/applications/<str:reference>/", views.application_detail, name="application_detail"),
    path("me/applications/<str:reference>/edit/", views.application_edit, name="application_edit"),
    path("me/applications/<str:reference>/withdraw/", views.application_withdraw, name="application_withdraw"),
    path(
        "me/applications/<str:reference>/materials/<int:pk>/",
        views.material_download,
        name="material_download",
    ),
    path(
        "me/applications/<str:reference>/materials/<int:pk>/delete/",
        views.material_delete,
        name="material_delete",
    ),
    path(
        "me/applications/<str:reference>/notices/correction/<int:number>/",
        views.application_notice,
        {"kind": "correction"},
        name="correction_notice",
    ),
    path("me/applications/<str:reference>/notices/<str:kind>/", views.application_notice, name="notice"),
    path("track/", views.track, name="track"),
    path("disclosure/", disclosure_views.disclosure, name="disclosure"),
    path("disclosure/export.csv", disclosure_views.disclosure_export, name="disclosure_export"),
]
