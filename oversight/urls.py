"""Public statistics and the supervisors' pages of oversight."""

from django.conf import settings
from django.urls import include, path

from .stats import views as stats_views

app_name = "oversight"

urlpatterns: list = [
    # The city's figures, public.
    path("stats/", stats_views.stats, name="stats"),
    # Electronic supervision (电子监察): staff pages under the staff site's prefix, so ADMIN_HOST serves them.
    path(f"{settings.ADMIN_URL_PATH}oversight/supervision/", include("oversight.supervision.urls")),
]
