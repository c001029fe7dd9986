"""The security policy in force, and the password rules that follow from it (MLPS 3, 8.1.4.1)."""

from __future__ import annotations

import string
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from govcloud.accounts import constants
from govcloud.accounts.models import SecurityPolicy

POLICY_FIELDS = (
    "password_min_length", "password_min_classes", "password_history", "password_max_age_days",
    "login_failure_limit", "lockout_minutes", "session_idle_minutes",
)
#: The smallest value the security administrator may set for each field.
POLICY_MINIMUMS = {
    "password_min_length": 8, "password_min_classes": 2, "password_history": 1,
    "password_max_age_days": 0, "login_failure_limit": 3, "lockout_minutes": 1,
    "session_idle_minutes": 1,
}
CHARACTER_CLASSES = (string.ascii_lowercase, string.ascii_uppercase, string.digits)


def default_policy_values() -> dict[str, int]:
    return {name: getattr(constants, name.upper()) for name in POLICY_FIELDS}


def current_policy() -> SecurityPolicy:
    """Return the policy in force, creating it from the environment's defaults once."""
    policy, _created = SecurityPolicy.objects.get_or_create(pk=1, defaults=default_policy_values())
    return policy


def character_classes(password: str) -> int:
    """Count the classes a password uses: lower case, upper case, digits, anything else."""
    classes = sum(any(char in group for char in password) for group in CHARACTER_CLASSES)
    return classes + any(not char.isascii() or not char.isalnum() for char in password)


def password_expired(user, policy: SecurityPolicy | None = None) -> bool:
    """Return whether the user's password is older than the policy allows (or undated);
    ``policy``: the one in force, if the caller has read it already."""
    max_age = (policy or current_policy()).password_max_age_days
    if not max_age:
        return False
    if user.password_changed_at is None:
        return True
    return timezone.now() - user.password_changed_at > timedelta(days=max_age)


class PolicyLengthValidator:
    """At least the policy's number of characters."""

    def validate(self, password: str, user=None) -> None:
        minimum = current_policy().password_min_length
        if len(password) < minimum:
            raise ValidationError(
                ngettext("The password must have at least %(minimum)d character.",
                         "The password must have at least %(minimum)d characters.", minimum)
                % {"minimum": minimum},
                code="password_too_short",
            )

    def get_help_text(self) -> str:
        return _("At least %(minimum)d characters.") % {
            "minimum": current_policy().password_min_length}


class CharacterClassesValidator:
    """Characters of the policy's number of classes: lower, upper, digits, symbols."""

    def validate(self, password: str, user=None) -> None:
        required = current_policy().password_min_classes
        if character_classes(password) < required:
            raise ValidationError(
                _("The password must mix at least %(required)d of: lower-case letters, "
                  "upper-case letters, digits and symbols.") % {"required": required},
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _("Mix at least %(required)d of lower case, upper case, digits and symbols.") % {
            "required": current_policy().password_min_classes}


class PasswordHistoryValidator:
    """None of the person's recent passwords again."""

    def validate(self, password: str, user=None) -> None:
        if user is None or user.pk is None:
            return
        count = current_policy().password_history
        recent = [user.password, *user.password_history.values_list("password", flat=True)
                  [:count]]
        from django.contrib.auth.hashers import check_password

        if any(encoded and check_password(password, encoded) for encoded in recent):
            raise ValidationError(
                _("The password was used recently; choose one not among your last %(count)d.")
                % {"count": count},
                code="password_reused",
            )

    def get_help_text(self) -> str:
        return _("Not one of your last %(count)d passwords.") % {
            "count": current_policy().password_history}


def lockout_failure_limit(request=None, credentials=None) -> int:
    """django-axes: failed sign-ins allowed before the account is locked."""
    return current_policy().login_failure_limit


def lockout_duration(request=None) -> timedelta:
    """django-axes: how long a locked account stays locked."""
    return timedelta(minutes=current_policy().lockout_minutes)
