"""Fixtures the oversight tests share."""

import pytest
from django.utils import translation


@pytest.fixture
def in_english(settings):
    """Read the pages in English (the Chinese page is the translation of the same text)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
