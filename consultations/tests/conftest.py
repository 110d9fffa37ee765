"""Fixtures the consultations tests share."""

import pytest
from django.utils import translation

from consultations.tests import appointment_factories as af


@pytest.fixture
def window(permit_item):
    """A hall window serving the permit's department: two places online and one for staff per slot."""
    return af.counter(departments=[permit_item.department], online_capacity=2, staff_capacity=1)


@pytest.fixture
def in_english(settings):
    """Read the staff's messages in English (the page's Chinese is the translation of the same text)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
