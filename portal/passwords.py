"""Password rules: Django's validators, with the minimum length's refusal in Chinese."""

from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Refuse passwords shorter than ``min_length`` (PASSWORD_MIN_LENGTH, at least 12).

    Django 5.2 changed this message's msgid and its Chinese catalogue still holds the old
    one, so the refusal was shown in English; the old msgid, translated there, is used.
    """

    def get_error_message(self):
        return ngettext(
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}
