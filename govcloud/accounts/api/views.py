"""REST endpoints of accounts: who am I, account administration, the security policy."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from govcloud.accounts import services
from govcloud.accounts.models import SecurityPolicy, User
from govcloud.accounts.policy import POLICY_FIELDS, current_policy
from govcloud.contract.models import Contract
from govcloud.inventory.models import ApplicationSystem
from govcloud.lib.api import LookupBeforeMethodCheckMixin
from govcloud.lib.roles import Role


class CurrentUserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "display_name", "role", "organization", "contracts", "systems"]


class CurrentUserView(APIView):
    """Who am I, with which role and scope."""

    @extend_schema(responses=CurrentUserSerializer)
    def get(self, request: Request) -> Response:
        return Response(CurrentUserSerializer(request.user).data)


class AccountSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "display_name", "role", "organization", "contracts",
                  "systems", "phone", "is_active", "must_change_password", "last_login"]
        read_only_fields = ["is_active", "must_change_password", "last_login"]


class AccountCreatedSerializer(AccountSerializer):
    initial_password = serializers.CharField(read_only=True)

    class Meta(AccountSerializer.Meta):
        fields = [*AccountSerializer.Meta.fields, "initial_password"]


class RoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)


class ScopeSerializer(serializers.Serializer):
    contracts = serializers.PrimaryKeyRelatedField(queryset=Contract.objects.all(), many=True)
    systems = serializers.PrimaryKeyRelatedField(
        queryset=ApplicationSystem.objects.all(), many=True)


class InitialPasswordSerializer(serializers.Serializer):
    initial_password = serializers.CharField()


def _run(operation):
    """Call a service and turn its refusals into API errors that name the problem."""
    try:
        return operation()
    except PermissionDenied as error:
        raise ApiPermissionDenied(str(error)) from None
    except ValidationError as error:
        detail = error.message_dict if hasattr(error, "error_dict") else error.messages
        raise ApiValidationError(detail) from None


class AccountViewSet(LookupBeforeMethodCheckMixin, mixins.CreateModelMixin,
                     viewsets.ReadOnlyModelViewSet):
    """Accounts, for the system administrator (accounts, scope) and the security
    administrator (roles); the services enforce who may do what."""

    queryset = User.objects.select_related("organization").prefetch_related(
        "contracts", "systems")
    write_roles = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN})
    serializer_class = AccountSerializer
    filterset_fields = ["role", "is_active"]
    search_fields = ["username", "display_name"]

    def get_queryset(self):
        return super().get_queryset().restrict(self.request.user)

    @extend_schema(responses={201: AccountCreatedSerializer})
    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = AccountSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user, password = _run(lambda: services.create_account(
            request.user, username=data["username"], role=data.get("role", ""),
            display_name=data.get("display_name", ""), organization=data.get("organization"),
            contracts=data.get("contracts", []), systems=data.get("systems", []),
            phone=data.get("phone", ""), request=request))
        body = {**AccountSerializer(user).data, "initial_password": password}
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=RoleSerializer, responses=AccountSerializer)
    @action(detail=True, methods=["post"], url_path="set-role")
    def set_role(self, request: Request, pk=None) -> Response:
        payload = RoleSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        account = _run(lambda: services.assign_role(
            request.user, self.get_object(), payload.validated_data["role"], request=request))
        return Response(AccountSerializer(account).data)

    @extend_schema(request=ScopeSerializer, responses=AccountSerializer)
    @action(detail=True, methods=["post"], url_path="set-scope")
    def set_scope(self, request: Request, pk=None) -> Response:
        payload = ScopeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        account = _run(lambda: services.update_scope(
            request.user, self.get_object(), request=request, **payload.validated_data))
        return Response(AccountSerializer(account).data)

    @extend_schema(request=None, responses=AccountSerializer)
    @action(detail=True, methods=["post"])
    def disable(self, request: Request, pk=None) -> Response:
        account = _run(lambda: services.set_account_active(
            request.user, self.get_object(), False, request=request))
        return Response(AccountSerializer(account).data)

    @extend_schema(request=None, responses=AccountSerializer)
    @action(detail=True, methods=["post"])
    def enable(self, request: Request, pk=None) -> Response:
        account = _run(lambda: services.set_account_active(
            request.user, self.get_object(), True, request=request))
        return Response(AccountSerializer(account).data)

    @extend_schema(request=None, responses=InitialPasswordSerializer)
    @action(detail=True, methods=["post"], url_path="reset-password")
    def reset_password(self, request: Request, pk=None) -> Response:
        password = _run(lambda: services.reset_password(
            request.user, self.get_object(), request=request))
        return Response({"initial_password": password})


class SecurityPolicySerializer(serializers.ModelSerializer):
    class Meta:
        model = SecurityPolicy
        fields = [*POLICY_FIELDS, "updated_at"]
        read_only_fields = ["updated_at"]


class SecurityPolicyView(APIView):
    """The authentication policy: read by the security administrator, who alone changes it."""

    write_roles = frozenset({Role.SECURITY_ADMIN})

    def check_role(self, request: Request) -> None:
        if request.user.role != Role.SECURITY_ADMIN:
            raise ApiPermissionDenied("only the security administrator reads or sets the policy")

    @extend_schema(responses=SecurityPolicySerializer)
    def get(self, request: Request) -> Response:
        self.check_role(request)
        return Response(SecurityPolicySerializer(current_policy()).data)

    @extend_schema(request=SecurityPolicySerializer, responses=SecurityPolicySerializer)
    def patch(self, request: Request) -> Response:
        self.check_role(request)
        payload = SecurityPolicySerializer(current_policy(), data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        policy = _run(lambda: services.update_security_policy(
            request.user, dict(payload.validated_data), request=request))
        return Response(SecurityPolicySerializer(policy).data)
