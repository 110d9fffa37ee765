"""Public statistics and the supervisors' pages of oversight."""

from django.conf import settings
from django.urls import include, path

app_name = "oversight"

urlpatterns: list = []

# --- supervision (电子监察): staff pages under the staff site's prefix, so ADMIN_HOST serves them ---
urlpatterns += [
    path(f"{settings.ADMIN_URL_PATH}oversight/supervision/", include("oversight.supervision.urls")),
]
