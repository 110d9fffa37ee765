"""Public statistics and the supervisors' pages of oversight."""

app_name = "oversight"

urlpatterns: list = []
