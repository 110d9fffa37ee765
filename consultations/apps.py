from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from approvals import application_sections, guide_sections
from portal import demo, personal_centre


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = _("Consultations and appointments")

    def ready(self):
        # Modules that import models come here: when Django imports this file, no model is loaded yet.
        from portal.clock import registry  # noqa: PLC0415 - imports models

        from .appointments import queues as appointment_queues  # noqa: PLC0415 - imports models
        from .appointments.demo import load_demo_appointments  # noqa: PLC0415 - imports models
        from .appointments.models import Appointment, Counter, OpeningRule, QueueTicket  # noqa: PLC0415
        from .appointments.views import guide_appointments_section, my_appointments_section  # noqa: PLC0415
        from .questions import clock, queues  # noqa: PLC0415 - imports models
        from .questions.demo import load_demo_questions  # noqa: PLC0415 - imports models
        from .questions.models import FaqEntry, Question  # noqa: PLC0415 - imports models
        from .questions.views import guide_faq_section, my_questions_section  # noqa: PLC0415 - imports models
        from .ratings import clock as rating_clock  # noqa: PLC0415 - imports models
        from .ratings.demo import load_demo_ratings  # noqa: PLC0415 - imports models

        registry.register(clock.reply_clock())
        registry.register(clock.forward_clock())
        registry.register(rating_clock.visit_clock())
        registry.register(rating_clock.rectification_clock())
        demo.register("consultations", order=50, loader=load_demo_questions)
        demo.register("appointments", order=60, loader=load_demo_appointments)
        # Ratings (issue 15): on the services the loaders above concluded, with bad reviews in every state.
        demo.register("ratings", order=70, loader=load_demo_ratings)
        # The staff queue on the admin's home page (window clerks and consultation staff).
        queues.register()
        appointment_queues.register()  # the hall desk, with today's bookings to check in
        # The item's published answers and "ask about this item" on every guide page, held until an answer changes.
        guide_sections.register(
            "questions",
            order=10,
            template="consultations/_guide_faq.html",
            context=guide_faq_section,
            watch=(FaqEntry,),
        )
        # "Book a time at the hall" on the guide page of every item that needs a visit, held until a window changes.
        guide_sections.register(
            "appointments",
            order=20,
            template="consultations/appointments/_guide_section.html",
            context=guide_appointments_section,
            watch=(Counter, OpeningRule),
        )
        personal_centre.watch(Appointment, owner="holder_id")
        personal_centre.watch(QueueTicket, owner="appointment__holder_id")  # served: the visit may be rated
        personal_centre.register(
            "appointments",
            order=35,
            template="consultations/appointments/_me_section.html",
            context=my_appointments_section,
        )
        personal_centre.watch(Question, owner="asker_id")
        personal_centre.register(
            "questions", order=30, template="consultations/me_questions.html", context=my_questions_section
        )
        self.ready_ratings_public()
        self.ready_ratings_staff()

    def ready_ratings_public(self):
        """Service evaluation, the public side: invitations when a service ends, rating on its pages."""
        from .ratings import receivers  # noqa: PLC0415 - imports models
        from .ratings.models import Rating, Rectification  # noqa: PLC0415 - imports models
        from .ratings.views import application_rating_section, my_ratings_section  # noqa: PLC0415

        receivers.connect()
        application_sections.register(
            "ratings",
            order=10,
            template="consultations/ratings/_application_section.html",
            context=application_rating_section,
        )
        personal_centre.watch(Rating, owner="rater_id")
        personal_centre.watch(Rectification, owner="rating__rater_id")
        personal_centre.register(
            "ratings", order=40, template="consultations/ratings/_me_section.html", context=my_ratings_section
        )

    def ready_ratings_staff(self):
        """Service evaluation, the staff side: bad reviews to follow up, appeals to decide."""
        from .ratings import queues as rating_queues  # noqa: PLC0415 - imports models

        rating_queues.register()
