"""How a sender of telemetry signs a push: ``Authorization: Bearer <secret>`` of a push
token. No session and no CSRF token: a sender is a program, not a person."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import BasePermission
from rest_framework.throttling import ScopedRateThrottle

from govcloud.telemetry.models import PushToken
from govcloud.telemetry.tokens import authenticate_secret


class PushSender:
    """The sender of a push, known by its token; it is nobody's account and has no role."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    pk = None
    role = None

    def __init__(self, token: PushToken) -> None:
        self.token = token

    def __str__(self) -> str:
        return str(self.token)


class PushTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer <secret>``: a push token that is not revoked, of an enabled
    push source."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise AuthenticationFailed(_("Give the token as: Authorization: Bearer <secret>."))
        try:
            secret = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed(_("The push token is unknown or revoked.")) from None
        token = authenticate_secret(secret)
        if token is None:
            raise AuthenticationFailed(_("The push token is unknown or revoked."))
        return PushSender(token), token

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="govcloud telemetry push"'


class HasPushToken(BasePermission):
    message = "a push token is required"

    def has_permission(self, request, view) -> bool:
        return isinstance(request.auth, PushToken)


class PushRateThrottle(ScopedRateThrottle):
    """The push rate (settings: ``telemetry_push``), counted per token."""

    def get_cache_key(self, request, view):
        token = request.auth
        ident = f"token-{token.pk}" if isinstance(token, PushToken) else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class PushTokenScheme(OpenApiAuthenticationExtension):
    target_class = PushTokenAuthentication
    name = "pushToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer",
                "description": "The secret of a push token, shown once when it is issued."}
