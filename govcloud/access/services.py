"""Provider access and stored credentials (C-18): the one place each rule lives.

Every function checks who acts, validates, changes rows inside ``transaction.atomic()``,
writes its audit event and returns the object. Pages, the API, commands and tests call
these; nothing else writes the access tables.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govcloud.access.choices import PROVIDER_ROLES, PURCHASER_ROLES, AccessStatus
from govcloud.access.models import AccessRequest, AccessUse, SystemCredential
from govcloud.audit.services import record_event
from govcloud.inventory.models import ApplicationSystem
from govcloud.lib.gmcrypto import (
    SM4_KEY_BYTES,
    IntegrityCheckError,
    load_key,
    sm4_decrypt,
    sm4_encrypt,
)
from govcloud.lib.roles import Role
from govcloud.lib.workflow import Step, Workflow

#: Name of the SM4 key: GOVCLOUD_CREDENTIALS_KEY (hex), else DATA_DIR/keys/credentials.key.
CREDENTIALS_KEY_NAME = "credentials"


class CredentialUnreadable(RuntimeError):
    """A stored credential does not decrypt: altered, moved to another row, or another key."""


def _works_on(actor, contract) -> bool:
    return actor.contracts.filter(pk=contract.pk).exists()


def _require_provider(actor, contract) -> None:
    if actor.role not in PROVIDER_ROLES or not _works_on(actor, contract):
        raise PermissionDenied(_("Only the provider's people on this contract may do this."))


_ONLY_ADMIN = gettext_lazy("Only the purchaser admin of this contract may do this.")
A = AccessStatus
#: Who may take which step of an access request: the one table (C-18).
WORKFLOW = Workflow(AccessRequest, (
    Step("decide", gettext_lazy("Requests to decide"), frozenset({A.PENDING}),
         (A.APPROVED, A.REFUSED), frozenset({Role.PURCHASER_ADMIN}), _ONLY_ADMIN,
         awaits=gettext_lazy("the purchaser admin's decision")),
    Step("revoke", gettext_lazy("Grants to revoke"), frozenset({A.APPROVED}), (A.REVOKED,),
         frozenset({Role.PURCHASER_ADMIN}), _ONLY_ADMIN),
    Step("use", gettext_lazy("Grants to use"), frozenset({A.APPROVED}), (), PROVIDER_ROLES,
         gettext_lazy("Only the provider's people on this contract use an access."),
         after="window_start", before="window_end"),
), author_field="requested_by")


def _source_address(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


def _require_text(errors: dict, field: str, value: str, message: str) -> None:
    if not (value or "").strip():
        errors[field] = message


@transaction.atomic
def request_access(contract, *, actor, systems, purpose: str, scope: str, window_start,
                   window_end, request=None) -> AccessRequest:
    """Record a provider's request to access purchaser data; it waits for the purchaser."""
    _require_provider(actor, contract)
    systems = list(systems)
    errors: dict[str, str] = {}
    if not systems:
        errors["systems"] = _("Choose at least one application system.")
    elif any(system.contract_id != contract.pk for system in systems):
        errors["systems"] = _("Every system must belong to the request's contract.")
    _require_text(errors, "purpose", purpose, _("Say why the access is needed."))
    _require_text(errors, "scope", scope, _("Say which data will be accessed."))
    if window_start and window_end and window_start >= window_end:
        errors["window_end"] = _("The window must end after it starts.")
    elif window_end and window_end <= timezone.now():
        errors["window_end"] = _("The window must end in the future.")
    if errors:
        raise ValidationError(errors)
    access_request = AccessRequest.objects.create(
        contract=contract, purpose=purpose.strip(), scope=scope.strip(),
        window_start=window_start, window_end=window_end, requested_by=actor,
    )
    access_request.systems.set(systems)
    record_event("access.request", actor=actor, request=request, target=access_request,
                 details={"systems": [system.pk for system in systems],
                          "window_start": window_start.isoformat(),
                          "window_end": window_end.isoformat()})
    return access_request


def _locked(access_request: AccessRequest) -> AccessRequest:
    """Return the row again under a lock, so two decisions cannot both pass the check."""
    return AccessRequest.objects.select_for_update().get(pk=access_request.pk)


def decide_access(access_request: AccessRequest, *, actor, approve: bool, note: str = "",
                  request=None) -> AccessRequest:
    """Approve or refuse a pending request; only the purchaser admin of its contract may."""
    WORKFLOW.check("decide", actor, access_request)
    if approve and access_request.window_end <= timezone.now():
        raise ValidationError(
            {"window_end": _("The window has already ended; refuse the request instead.")}
        )
    with transaction.atomic():
        WORKFLOW.move(access_request, "decide",
                      AccessStatus.APPROVED if approve else AccessStatus.REFUSED,
                      decided_by=actor, decided_at=timezone.now(),
                      decision_note=(note or "").strip())
        record_event("access.decide", actor=actor, request=request, target=access_request,
                     details={"status": access_request.status})
    return access_request


def revoke_access(access_request: AccessRequest, *, actor, note: str = "",
                  request=None) -> AccessRequest:
    """Withdraw an approval; no use can be recorded afterwards."""
    WORKFLOW.check("revoke", actor, access_request)
    stamps = {"revoked_by": actor, "revoked_at": timezone.now()}
    if note and note.strip():
        stamps["decision_note"] = note.strip()
    with transaction.atomic():
        WORKFLOW.move(access_request, "revoke", **stamps)
        record_event("access.revoke", actor=actor, request=request, target=access_request)
    return access_request


def _refusal_of_use(access_request: AccessRequest, actor, action: str) -> Exception | None:
    """Return why a use may not be recorded now, or None when it may."""
    try:
        WORKFLOW.check("use", actor, access_request)
        WORKFLOW.require_status("use", access_request)
    except (PermissionDenied, ValidationError) as refusal:
        return refusal
    now = timezone.now()
    if now < access_request.window_start:
        return ValidationError(_("Window: the approved window has not started yet."))
    if now >= access_request.window_end:
        return ValidationError(_("Window: the approved window has ended."))
    if not (action or "").strip():
        return ValidationError({"action": _("Say what was done with the data.")})
    return None


def record_access_use(access_request: AccessRequest, *, actor, action: str,
                      request=None) -> AccessUse:
    """Log one use of an approved access, refusing any use outside an open grant.

    A refused use is itself an audit event (outcome "denied"), written outside the
    transaction that the refusal rolls back.
    """
    with transaction.atomic():
        locked = _locked(access_request)
        refusal = _refusal_of_use(locked, actor, action)
        if refusal is None:
            use = AccessUse.objects.create(
                request=locked, used_by=actor, action=action.strip(),
                source_address=_source_address(request),
            )
            record_event("access.use", actor=actor, request=request, target=locked,
                         details={"use": use.pk})
            return use
    record_event("access.use", actor=actor, request=request, target=access_request,
                 outcome="denied", details={"reason": "; ".join(_messages(refusal))})
    raise refusal


def _messages(error: Exception) -> list[str]:
    if isinstance(error, ValidationError):
        return error.messages
    return [str(error)]


def _require_purchaser_scope(actor, system: ApplicationSystem) -> None:
    visible = ApplicationSystem.objects.restrict(actor).filter(pk=system.pk).exists()
    if actor.role not in PURCHASER_ROLES or not visible:
        raise PermissionDenied(_("Only the purchaser's people of this system handle its "
                                 "credentials."))


def _key() -> bytes:
    return load_key(CREDENTIALS_KEY_NAME, SM4_KEY_BYTES)


def seal(credential: SystemCredential, secret: str) -> None:
    """Set the credential's ciphertext: SM4-GCM bound to its system and label."""
    credential.secret = sm4_encrypt(_key(), secret.encode(), credential.associated_data())


@transaction.atomic
def store_credential(system: ApplicationSystem, *, actor, label: str, username: str,
                     secret: str, request=None) -> SystemCredential:
    """Encrypt and keep a system's credential; the same label again replaces the secret."""
    _require_purchaser_scope(actor, system)
    errors: dict[str, str] = {}
    _require_text(errors, "label", label, _("Name the account."))
    if not secret:
        errors["secret"] = _("Enter the password, key or token to keep.")
    if errors:
        raise ValidationError(errors)
    credential = (SystemCredential.objects.select_for_update()
                  .filter(system=system, label=label.strip()).first()
                  or SystemCredential(system=system, label=label.strip(), created_by=actor))
    credential.username = (username or "").strip()
    seal(credential, secret)
    credential.save()
    record_event("credential.store", actor=actor, request=request, target=credential,
                 details={"system": system.pk, "label": credential.label})
    return credential


@transaction.atomic
def reveal_credential(credential: SystemCredential, *, actor, request=None) -> str:
    """Return a credential's secret to a purchaser role, and record that it was shown."""
    _require_purchaser_scope(actor, credential.system)
    try:
        plaintext = sm4_decrypt(_key(), bytes(credential.secret), credential.associated_data())
    except IntegrityCheckError as error:
        raise CredentialUnreadable(
            f"the stored credential {credential.label!r} of system {credential.system} "
            f"(credential id {credential.pk}) cannot be decrypted: {error}; it was altered, "
            "copied from another row, or encrypted under another key"
        ) from None
    record_event("credential.reveal", actor=actor, request=request, target=credential,
                 details={"system": credential.system_id, "label": credential.label})
    return plaintext.decode()
