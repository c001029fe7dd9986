"""A stored contract carries an HMAC-SM3 tag; a change made outside govcloud is an error."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from govcloud.contract.models import ContractVersion


def tamper_with_the_total(version: ContractVersion) -> None:
    """Change the stored document straight in the database, as an intruder would."""
    document = version.document
    document["money"]["total_including_tax"] = "4887026.00"
    ContractVersion.objects.filter(pk=version.pk).update(document=document)


def test_a_loaded_contract_passes_its_integrity_check(cast):
    version = cast.contract_a.current_version
    assert len(version.integrity_tag) == 64
    version.check_integrity()


def test_a_changed_contract_is_an_error_on_the_overview(cast, client_for):
    version = cast.contract_a.current_version
    tamper_with_the_total(version)
    client = client_for(cast.purchaser_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(f"/contracts/{cast.contract_a.pk}/").content.decode()
    assert "failed its integrity check" in page
    assert "changed outside govcloud" in page
    assert "Payment schedule" not in page


def test_a_changed_contract_is_an_error_for_the_show_command(cast):
    tamper_with_the_total(cast.contract_a.current_version)
    with pytest.raises(CommandError, match="does not match its integrity tag"):
        call_command("contract", "show", cast.contract_a.code)


def test_a_changed_contract_is_flagged_in_the_api(cast, client_for):
    tamper_with_the_total(cast.contract_a.current_version)
    body = client_for(cast.purchaser_admin).get(f"/api/contracts/{cast.contract_a.pk}/").json()
    assert "does not match its integrity tag" in body["current_version"]["integrity_problem"]


def test_a_tag_copied_from_another_version_does_not_verify(cast):
    ours = cast.contract_a.current_version
    theirs = cast.contract_b.current_version
    with connection.cursor() as cursor:
        cursor.execute("UPDATE contract_contractversion SET integrity_tag = %s WHERE id = %s",
                       [theirs.integrity_tag, ours.pk])
    ours.refresh_from_db()
    with pytest.raises(ValueError, match="integrity tag"):
        ours.check_integrity()
