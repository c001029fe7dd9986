"""Fixtures of the access tests: requests in each state and a stored credential."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from govcloud.access import services

SECRET = "Tr0ub4dor&3-机密-9d41e7"


@pytest.fixture(autouse=True)
def credentials_key_in_a_fresh_data_dir(settings, tmp_path, monkeypatch):
    """Each test gets its own key file; none reads or writes the checkout's var/keys."""
    settings.DATA_DIR = tmp_path
    monkeypatch.delenv("GOVCLOUD_CREDENTIALS_KEY", raising=False)


def ask(cast, *, start=None, end=None, systems=None, actor=None):
    now = timezone.now()
    return services.request_access(
        cast.contract_a, actor=actor or cast.provider_operator,
        systems=systems or [cast.system_a1], purpose="排查数据库慢查询",
        scope="订单表最近 7 天的慢查询日志",
        window_start=start or now - timedelta(minutes=5),
        window_end=end or now + timedelta(hours=4),
    )


@pytest.fixture
def pending(cast):
    return ask(cast)


@pytest.fixture
def approved(cast, pending):
    return services.decide_access(pending, actor=cast.purchaser_admin, approve=True, note="同意")


@pytest.fixture
def credential(cast):
    return services.store_credential(cast.system_a1, actor=cast.purchaser_admin,
                                     label="数据库 root", username="root", secret=SECRET)

