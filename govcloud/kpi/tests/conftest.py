"""Fixtures of the KPI page and API tests."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings

from govcloud.kpi.tests.rollups import october_2025


@pytest.fixture
def october(cast) -> dict:
    """October 2025 of the cast's hosts (see rollups.october_2025)."""
    return october_2025(cast)


@pytest.fixture
def english_client_for(client_for):
    """Signed-in clients that read English, so that texts can be asserted."""

    def english(person):
        client = client_for(person)
        client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return english
