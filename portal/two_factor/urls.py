"""The second-factor step, served under the admin's prefix (so on the admin host too)."""

from django.urls import path

from . import views

app_name = "two_factor"
urlpatterns = [
    path("", views.verify, name="verify"),
    path("enrol/", views.enrol, name="enrol"),
    path("recovery-codes/", views.recovery_codes, name="recovery_codes"),
]
