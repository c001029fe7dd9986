"""A refused second-factor code says why: empty, wrong, used already, or too many tries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client

from govcloud.testing.cast import PASSWORD, current_code

MOMENT = datetime(2026, 3, 2, 9, 0, 10, tzinfo=UTC)  # early in a 30-second step


@pytest.fixture
def frozen():
    with time_machine.travel(MOMENT, tick=False) as traveller:
        yield traveller


def at_second_factor(user, language: str = "en") -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.post("/login/", {"username": user.username, "password": PASSWORD})
    return client


def answer(client: Client, token: str) -> str:
    response = client.post("/account/two-factor/", {"token": token})
    assert response.status_code == 200, "the code was accepted"
    return response.content.decode()


def test_an_empty_code_asks_for_the_code(cast, frozen):
    page = answer(at_second_factor(cast.provider_operator), "")
    assert "Enter the code" in page and "incorrect" not in page
    chinese = answer(at_second_factor(cast.provider_operator, "zh-hans"), "")
    assert "请输入验证码" in chinese


def test_a_wrong_code_is_called_incorrect(cast, frozen):
    right = current_code(cast.provider_operator)
    wrong = f"{(int(right) + 1) % 1000000:06d}"
    page = answer(at_second_factor(cast.provider_operator), wrong)
    assert "The code is incorrect" in page and "used already" not in page


def test_a_code_used_already_says_to_wait_for_the_next_one(cast, frozen):
    code = current_code(cast.provider_operator)
    first = at_second_factor(cast.provider_operator)
    assert first.post("/account/two-factor/", {"token": code}).status_code == 302
    page = answer(at_second_factor(cast.provider_operator), code)
    assert "This code was used already" in page and "wait for the next code" in page.lower()
    chinese = at_second_factor(cast.provider_operator, "zh-hans")
    frozen.shift(timedelta(seconds=2))  # past the throttle of the failure before
    assert "该验证码已使用过" in answer(chinese, code)


def test_the_next_code_after_a_used_one_is_accepted(cast, frozen):
    first = at_second_factor(cast.provider_operator)
    assert first.post("/account/two-factor/",
                      {"token": current_code(cast.provider_operator)}).status_code == 302
    frozen.shift(timedelta(seconds=30))
    again = at_second_factor(cast.provider_operator)
    response = again.post("/account/two-factor/", {"token": current_code(cast.provider_operator)})
    assert response.status_code == 302


def test_codes_tried_too_fast_after_wrong_ones_are_told_to_wait(cast, frozen):
    client = at_second_factor(cast.provider_operator)
    right = current_code(cast.provider_operator)
    answer(client, f"{(int(right) + 1) % 1000000:06d}")
    page = answer(client, right)
    assert "Too many incorrect codes" in page
    frozen.shift(timedelta(seconds=2))
    assert client.post("/account/two-factor/", {"token": right}).status_code == 302
