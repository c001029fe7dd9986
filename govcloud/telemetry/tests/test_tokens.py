"""Push tokens: issued by the provider's O&M team with a secret shown once and stored only
as its hash, revoked for good, every step audited without the secret."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from govcloud.audit.models import AuditEvent
from govcloud.telemetry.choices import SourceKind
from govcloud.telemetry.models import PushToken, TelemetrySource
from govcloud.telemetry.testing_sources import PUSH_SECRET_A, SOURCE_NAME
from govcloud.telemetry.tokens import (
    PREFIX_LENGTH,
    authenticate_secret,
    issue_token,
    revoke_token,
)


@pytest.fixture
def source(cast) -> TelemetrySource:
    return TelemetrySource.objects.get(contract=cast.contract_a, name=SOURCE_NAME)


@pytest.fixture
def source_b(cast) -> TelemetrySource:
    return TelemetrySource.objects.get(contract=cast.contract_b, name=SOURCE_NAME)


def test_a_token_is_issued_with_a_secret_kept_only_as_its_hash(cast, source):
    token, secret = issue_token(cast.provider_operator, source, "亦庄采集器")
    assert secret.startswith("gcp_") and len(secret) > 40
    assert token.prefix == secret[:PREFIX_LENGTH]
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    stored = PushToken.objects.filter(pk=token.pk).values().get()
    assert secret not in json.dumps(stored, default=str)
    assert token.created_by == cast.provider_operator and token.revoked_at is None


def test_every_token_gets_a_secret_of_its_own(cast, source):
    secrets = {issue_token(cast.provider_manager, source, f"sender {n}")[1] for n in range(5)}
    assert len(secrets) == 5


def test_issuing_and_revoking_are_audited_without_the_secret(cast, source):
    token, secret = issue_token(cast.provider_operator, source, "采集器")
    revoke_token(cast.provider_manager, token)
    events = AuditEvent.objects.filter(action__startswith="telemetry.token.").order_by(
        "sequence")
    assert [(event.action, event.actor_username) for event in events] == [
        ("telemetry.token.issue", "provider-operator"),
        ("telemetry.token.revoke", "provider-manager")]
    for event in events:
        assert event.target_id == str(token.pk)
        assert secret not in json.dumps(event.details) and secret not in event.target_repr
        assert token.secret_hash not in json.dumps(event.details)
        assert event.details["prefix"] == token.prefix


@pytest.mark.parametrize("who", ["purchaser_admin", "purchaser_staff", "vendor_a",
                                 "supervisor", "system_admin", "audit_admin", "outsider"])
def test_only_the_providers_om_team_issues_tokens(who, cast, source):
    with pytest.raises(PermissionDenied):
        issue_token(getattr(cast, who), source, "x")
    assert not AuditEvent.objects.filter(action="telemetry.token.issue").exists()


def test_the_providers_team_of_one_contract_issues_none_for_another(cast, source_b):
    with pytest.raises(PermissionDenied):
        issue_token(cast.provider_operator, source_b, "x")


def test_only_the_providers_om_team_revokes_tokens(cast, source):
    token = PushToken.objects.get(source=source)
    for who in ("purchaser_admin", "supervisor", "outsider"):
        with pytest.raises(PermissionDenied):
            revoke_token(getattr(cast, who), token)
    token.refresh_from_db()
    assert token.revoked_at is None


def test_tokens_are_issued_for_push_sources_only(cast, source):
    source.kind, source.url = SourceKind.PROMETHEUS, "http://127.0.0.1:9090"
    source.save()
    with pytest.raises(ValidationError) as refused:
        issue_token(cast.provider_operator, source, "x")
    assert "source" in refused.value.message_dict


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_a_token_needs_a_name(name, cast, source):
    with pytest.raises(ValidationError) as refused:
        issue_token(cast.provider_operator, source, name)
    assert "name" in refused.value.message_dict


def test_a_secret_authenticates_its_token_and_notes_the_use(cast, source):
    token, secret = issue_token(cast.provider_operator, source, "x")
    assert token.last_used_at is None
    assert authenticate_secret(secret) == token
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert authenticate_secret(PUSH_SECRET_A).source == source


@pytest.mark.parametrize("secret", ["", "gcp_", "gcp_unknown", PUSH_SECRET_A[4:],
                                    PUSH_SECRET_A + "x", PUSH_SECRET_A.upper(), None, 42,
                                    "gcp_" + "a" * 1000])
def test_anything_but_a_known_secret_authenticates_nothing(secret, cast):
    assert authenticate_secret(secret) is None


def test_a_revoked_token_authenticates_nothing_and_stays_revoked(cast, source):
    token, secret = issue_token(cast.provider_operator, source, "x")
    revoke_token(cast.provider_operator, token)
    assert token.revoked_at is not None
    assert authenticate_secret(secret) is None
    with pytest.raises(ValidationError):
        revoke_token(cast.provider_operator, token)
    assert AuditEvent.objects.filter(action="telemetry.token.revoke").count() == 1


def test_a_token_of_a_disabled_source_authenticates_nothing(cast, source):
    source.enabled = False
    source.save()
    assert authenticate_secret(PUSH_SECRET_A) is None
    source.enabled = True
    source.save()
    assert authenticate_secret(PUSH_SECRET_A) is not None


def test_a_token_of_a_source_that_no_longer_takes_pushes_authenticates_nothing(cast, source):
    source.kind = SourceKind.NODE_EXPORTER
    source.save()
    assert authenticate_secret(PUSH_SECRET_A) is None
