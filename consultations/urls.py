from django.urls import path

from .questions import views

app_name = "consultations"

urlpatterns = [
    path("consultations/", views.ask, name="index"),
    path("consultations/faq/", views.faq, name="faq"),
    path("consultations/faq/suggest/", views.faq_suggest, name="faq_suggest"),
    path("consultations/faq/<int:pk>/", views.faq_entry, name="faq_entry"),
    path("consultations/questions/<str:reference>/", views.question, name="question"),
    path("consultations/questions/<str:reference>/attachment/", views.attachment, name="attachment"),
    # The private link of someone who asked without an account (sent to their mobile).
    path("consultations/link/<str:token>/", views.question_by_token, name="question_by_token"),
    path("consultations/link/<str:token>/attachment/", views.attachment_by_token, name="attachment_by_token"),
]
