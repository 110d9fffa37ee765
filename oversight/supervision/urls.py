"""The supervisors' pages, under the staff site's prefix (see oversight/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="supervision"),
    path("cases/<str:measure>/<str:department>/", views.cases, name="supervision_cases"),
    path("export/<str:table>.<str:fmt>", views.export, name="supervision_export"),
    path("report/", views.monthly_report, name="supervision_report"),
]
