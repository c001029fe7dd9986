"""The API answers 429 Too Many Requests past its rate, per user and per address."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle
from rest_framework.views import APIView


@pytest.fixture(autouse=True)
def low_rates(monkeypatch):
    """Three requests a minute per user, two per address; a clean slate of counts.

    DRF binds the rates to the throttle class when it is imported, so override_settings
    cannot reach them; patching the class attribute can.
    """
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"user": "3/minute",
                                                               "anon": "2/minute"})
    cache.clear()
    yield
    cache.clear()


def test_the_api_throttles_by_user_and_by_address_by_default():
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] == [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ]
    assert APIView.throttle_classes == [AnonRateThrottle, UserRateThrottle]


def test_a_signed_in_user_gets_429_past_the_rate(cast, client_for):
    client = client_for(cast.purchaser_admin)
    statuses = [client.get(reverse("api:system-list")).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_the_429_says_when_to_come_back(cast, client_for):
    client = client_for(cast.purchaser_admin)
    for _ in range(3):
        client.get(reverse("api:me"))
    response = client.get(reverse("api:me"))
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60


def test_each_user_has_a_rate_of_their_own(cast, client_for):
    admin = client_for(cast.purchaser_admin)
    for _ in range(4):
        admin.get(reverse("api:me"))
    assert client_for(cast.vendor_a).get(reverse("api:me")).status_code == 200


class OpenView(APIView):
    """An API view anyone may call (govcloud's own all need a sign-in)."""

    permission_classes = [AllowAny]

    def get(self, request):
        return Response({})


def test_anonymous_callers_get_429_past_the_rate_of_their_address():
    factory = APIRequestFactory()
    view = OpenView.as_view()
    statuses = [view(factory.get("/", REMOTE_ADDR="192.0.2.7")).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert view(factory.get("/", REMOTE_ADDR="192.0.2.8")).status_code == 200
