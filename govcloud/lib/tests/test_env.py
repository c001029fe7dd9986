"""Whole-number settings: a bad value stops govcloud with a message naming the variable."""

from __future__ import annotations

import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from govcloud.lib.env import ConfigurationError, env_int

VARIABLE = "GOVCLOUD_TEST_WHOLE_NUMBER"


def test_an_unset_or_empty_whole_number_takes_its_default(monkeypatch):
    monkeypatch.delenv(VARIABLE, raising=False)
    assert env_int(VARIABLE, 7, minimum=1) == 7
    monkeypatch.setenv(VARIABLE, "  ")
    assert env_int(VARIABLE, 7, minimum=1) == 7


def test_a_whole_number_within_its_bounds_is_read(monkeypatch):
    monkeypatch.setenv(VARIABLE, " 12 ")
    assert env_int(VARIABLE, 7, minimum=12, maximum=12) == 12


@pytest.mark.parametrize("value, message", [
    ("forty", r"GOVCLOUD_TEST_WHOLE_NUMBER='forty' is not a whole number"),
    ("2.5", r"GOVCLOUD_TEST_WHOLE_NUMBER='2.5' is not a whole number"),
    ("1_000", r"GOVCLOUD_TEST_WHOLE_NUMBER='1_000' is not a whole number"),
    ("٣", r"GOVCLOUD_TEST_WHOLE_NUMBER='٣' is not a whole number"),
    ("-1", r"GOVCLOUD_TEST_WHOLE_NUMBER=-1 is below the minimum 0"),
    ("11", r"GOVCLOUD_TEST_WHOLE_NUMBER=11 is above the maximum 10"),
])
def test_a_bad_whole_number_names_the_variable_the_value_and_the_bound(monkeypatch, value,
                                                                        message):
    monkeypatch.setenv(VARIABLE, value)
    with pytest.raises(ConfigurationError, match=message):
        env_int(VARIABLE, 5, minimum=0, maximum=10)


@pytest.mark.parametrize("variable, value, message", [
    ("GOVCLOUD_TELEMETRY_RAW_DAYS", "forty", "is not a whole number"),
    ("GOVCLOUD_TELEMETRY_RAW_DAYS", "0", "below the minimum 1"),
    ("GOVCLOUD_MAINTENANCE_NOTICE_HOURS", "-24", "below the minimum 0"),
    ("GOVCLOUD_MAINTENANCE_NOTICE_HOURS", "a day", "is not a whole number"),
    ("GOVCLOUD_PUSH_MAX_SAMPLES", "-5", "below the minimum 1"),
    ("GOVCLOUD_PUSH_MAX_SAMPLES", "50k", "is not a whole number"),
])
def test_a_bad_whole_number_setting_stops_the_settings_naming_it(monkeypatch, variable, value,
                                                                 message):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigurationError, match=f"{variable}=.*{message}"):
        runpy.run_path(str(settings.PACKAGE_DIR / "settings.py"))


def test_a_rate_with_other_digits_stops_the_settings_naming_it(monkeypatch):
    monkeypatch.setenv("GOVCLOUD_API_RATE_USER", "²/minute")
    with pytest.raises(ConfigurationError, match="GOVCLOUD_API_RATE_USER="):
        runpy.run_path(str(settings.PACKAGE_DIR / "settings.py"))


def test_good_whole_number_settings_are_read(monkeypatch):
    monkeypatch.setenv("GOVCLOUD_TELEMETRY_RAW_DAYS", "60")
    monkeypatch.setenv("GOVCLOUD_MAINTENANCE_NOTICE_HOURS", "0")
    monkeypatch.setenv("GOVCLOUD_PUSH_MAX_SAMPLES", "1000")
    names = runpy.run_path(str(settings.PACKAGE_DIR / "settings.py"))
    assert (names["GOVCLOUD_TELEMETRY_RAW_DAYS"], names["GOVCLOUD_MAINTENANCE_NOTICE_HOURS"],
            names["GOVCLOUD_PUSH_MAX_SAMPLES"]) == (60, 0, 1000)


@pytest.mark.parametrize("variable, value, message", [
    ("GOVCLOUD_PASSWORD_MIN_LENGTH", "7", "below the minimum 8"),
    ("GOVCLOUD_PASSWORD_MIN_CLASSES", "5", "above the maximum 4"),
    ("GOVCLOUD_LOCKOUT_MINUTES", "-30", "below the minimum 1"),
    ("GOVCLOUD_SESSION_IDLE_MINUTES", "half an hour", "is not a whole number"),
])
def test_a_bad_policy_default_names_the_variable(monkeypatch, variable, value, message):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigurationError, match=f"{variable}=.*{message}"):
        runpy.run_path(str(settings.PACKAGE_DIR / "accounts" / "constants.py"))


def test_govcloud_check_with_a_negative_setting_exits_naming_the_variable(tmp_path):
    environment = {**os.environ, "GOVCLOUD_DATA_DIR": str(tmp_path),
                   "GOVCLOUD_MAINTENANCE_NOTICE_HOURS": "-1"}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    govcloud = Path(sys.executable).with_name("govcloud")
    finished = subprocess.run([str(govcloud), "check"], env=environment, capture_output=True,
                              text=True, timeout=120, check=False)
    assert finished.returncode != 0
    assert "GOVCLOUD_MAINTENANCE_NOTICE_HOURS=-1 is below the minimum 0" in finished.stderr
