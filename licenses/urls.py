from django.urls import path

from . import views

app_name = "licenses"

urlpatterns = [
    path("verify/<str:token>/", views.verify, name="verify"),
    path("me/certificates/<str:number>/pdf/", views.certificate_pdf, name="certificate_pdf"),
]
