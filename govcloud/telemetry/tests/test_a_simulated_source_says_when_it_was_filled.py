"""The demo's simulator source records when it was last filled, as the collector stamps a
real source, so its page does not say "last collected —"."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse

from govcloud.telemetry.choices import SourceKind
from govcloud.telemetry.models import TelemetrySource
from govcloud.telemetry.simulator import simulate_contract

BEIJING = ZoneInfo("Asia/Shanghai")


def test_the_source_page_shows_the_end_of_the_simulated_window(cast, client_for):
    source = TelemetrySource.objects.create(contract=cast.contract_a, name="模拟数据",
                                            kind=SourceKind.SIMULATOR, interval_seconds=60)
    simulate_contract(cast.contract_a, datetime(2025, 10, 1, tzinfo=BEIJING),
                      datetime(2025, 10, 3, 6, 30, tzinfo=BEIJING), seed="stamp")
    source.refresh_from_db()
    assert source.last_collected_at == datetime(2025, 10, 3, 6, tzinfo=BEIJING)
    client = client_for(cast.provider_operator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("telemetry-source-detail", args=[source.pk])).content.decode()
    assert "2025-10-03 06:00" in html
    listing = client.get(reverse("telemetry-source-list")).content.decode()
    assert "<th>Name</th>" in listing and "2025-10-03 06:00" in listing


def test_an_earlier_window_does_not_move_the_stamp_back(cast):
    source = TelemetrySource.objects.create(contract=cast.contract_a, name="模拟数据",
                                            kind=SourceKind.SIMULATOR, interval_seconds=60)
    simulate_contract(cast.contract_a, datetime(2025, 10, 2, tzinfo=BEIJING),
                      datetime(2025, 10, 3, tzinfo=BEIJING), seed="stamp")
    simulate_contract(cast.contract_a, datetime(2025, 9, 1, tzinfo=BEIJING),
                      datetime(2025, 9, 2, tzinfo=BEIJING), seed="stamp")
    source.refresh_from_db()
    assert source.last_collected_at == datetime(2025, 10, 3, tzinfo=BEIJING)
