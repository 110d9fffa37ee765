from django.urls import path

from .appointments import views as appointments
from .questions import views
from .ratings import results as rating_results
from .ratings import views as ratings

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
    path("appointments/", appointments.index, name="appointments"),
    path("appointments/<str:code>/", appointments.appointment, name="appointment"),
    # From a link (e-mail, text message): a GET shows the form, only a POST with the ID tail cancels.
    path("appointments/<str:code>/cancel/", appointments.cancel_by_code, name="appointment_cancel"),
    path("hall/display/", appointments.display, name="hall_display"),
    # Service evaluation, the public side: rate one's service; the single-use link of a notice; the verdict.
    path("ratings/rate/<str:kind>/<int:pk>/", ratings.rate, name="rate"),
    path("ratings/link/<str:token>/", ratings.rate_by_link, name="rate_by_link"),
    path("ratings/<int:pk>/verdict/", ratings.rating_verdict, name="rating_verdict"),
    # Service evaluation (好差评): the published results, public.
    path("ratings/", rating_results.results, name="ratings"),
]
