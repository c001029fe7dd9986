"""Push tokens: the secrets with which a sender pushes samples for one push source.

The secret is shown once, when it is issued; only its SHA-256 is stored, so a copy of the
database lets nobody push. The first characters are kept as the ``prefix`` by which people
recognise a token in lists and logs. Issuing and revoking are audited, never with the
secret.
"""

from __future__ import annotations

import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govcloud.audit.services import record_event
from govcloud.telemetry.choices import SOURCE_EDITOR_ROLES, SourceKind
from govcloud.telemetry.models import PushToken, TelemetrySource

#: Every secret starts with this, so that a leaked one is recognised (secret scanners).
SECRET_PREFIX = "gcp_"
#: How many characters of the secret are kept in clear to recognise the token.
PREFIX_LENGTH = 12
#: Longer than any secret issue_token gives: a longer one is not even hashed.
MAX_SECRET_LENGTH = 128


def hash_secret(secret: str) -> str:
    """Return the SHA-256 (hex) under which a secret is stored."""
    return hashlib.sha256(secret.encode()).hexdigest()


def require_source_editor(actor, contract) -> None:
    """Refuse anyone but the provider's O&M team of ``contract``."""
    if (getattr(actor, "role", None) not in SOURCE_EDITOR_ROLES
            or not actor.contracts.filter(pk=contract.pk).exists()):
        raise PermissionDenied(
            _("Only the provider's O&M team of this contract configures telemetry."))


def issue_token(actor, source: TelemetrySource, name: str, *,
                request=None) -> tuple[PushToken, str]:
    """Issue a token for a push source; return it with its secret, which is never shown
    again."""
    require_source_editor(actor, source.contract)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Name the token, such as the sender that uses it.")})
    if len(name) > 100:
        raise ValidationError({"name": _("At most 100 characters.")})
    if source.kind != SourceKind.PUSH:
        raise ValidationError({"source": _("Tokens are issued for push sources only.")})
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = PushToken.objects.create(
            source=source, name=name, prefix=secret[:PREFIX_LENGTH],
            secret_hash=hash_secret(secret), created_by=actor,
        )
        record_event("telemetry.token.issue", actor=actor, request=request, target=token,
                     details={"source": source.pk, "name": name, "prefix": token.prefix})
    return token, secret


def revoke_token(actor, token: PushToken, *, request=None) -> PushToken:
    """Revoke a token: from now on it pushes nothing. A revoked token stays listed."""
    require_source_editor(actor, token.source.contract)
    with transaction.atomic():
        # A conditional UPDATE: of two revocations at once, one is recorded.
        revoked = PushToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now())
        token.refresh_from_db()
        if not revoked:
            raise ValidationError({"revoked_at": _("The token is revoked already.")})
        record_event("telemetry.token.revoke", actor=actor, request=request, target=token,
                     details={"source": token.source_id, "name": token.name,
                              "prefix": token.prefix})
    return token


def authenticate_secret(secret: str) -> PushToken | None:
    """Return the token of a secret if it may push now, and note that it was used.

    None for an unknown or revoked secret, or one whose source is disabled or no longer a
    push source.
    """
    if (not isinstance(secret, str) or not secret.startswith(SECRET_PREFIX)
            or len(secret) > MAX_SECRET_LENGTH):
        return None
    token = (PushToken.objects.select_related("source__contract")
             .filter(secret_hash=hash_secret(secret), revoked_at__isnull=True,
                     source__enabled=True, source__kind=SourceKind.PUSH)
             .first())
    if token is None:
        return None
    token.last_used_at = timezone.now()
    PushToken.objects.filter(pk=token.pk).update(last_used_at=token.last_used_at)
    return token
