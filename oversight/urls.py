"""Public statistics and the supervisors' pages of oversight."""

from django.urls import path

# --- statistics ---
from .stats import views as stats_views

app_name = "oversight"

urlpatterns: list = [
    # --- statistics ---
    path("stats/", stats_views.stats, name="stats"),
]
