"""REST endpoints of the spreadsheet import and export (issue #5): thin, every rule in
the package govcloud/inventory/spreadsheets/."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ParseError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from govcloud.contract.models import Contract
from govcloud.inventory import spreadsheets
from govcloud.inventory.choices import IMPORTER_ROLES
from govcloud.inventory.spreadsheet_views import xlsx_response

NOT_YOURS = OpenApiResponse(description="No such contract, or not yours to see.")


class ProblemSerializer(serializers.Serializer):
    sheet = serializers.CharField(help_text="The sheet's name as in the file; empty for CSV.")
    row = serializers.IntegerField(
        allow_null=True,
        help_text="The row number the spreadsheet shows; null for the whole file or import.")
    column = serializers.CharField(help_text="The column's heading as the file writes it.")
    problem = serializers.CharField()


class ImportProblemsSerializer(serializers.Serializer):
    problems = ProblemSerializer(many=True)


class ImportRequestSerializer(serializers.Serializer):
    contract = serializers.IntegerField(min_value=1, help_text="The contract's id.")
    file = serializers.FileField(
        help_text="XLSX with the sheets 系统/systems and 主机/hosts, or CSV of one table.")
    # Text, not an enum: the schema has enums named "kind" already, and a value other than
    # systems or hosts is reported as a problem of the import like any other.
    kind = serializers.CharField(
        required=False, allow_blank=True, max_length=20,
        help_text="systems or hosts: which table a CSV file (or a lone sheet) holds; told by "
                  "its headings if not given.")
    dry_run = serializers.BooleanField(default=False, help_text="Check only; store nothing.")


class ImportResultSerializer(serializers.Serializer):
    file_name = serializers.CharField()
    dry_run = serializers.BooleanField()
    systems_created = serializers.IntegerField()
    systems_updated = serializers.IntegerField()
    systems_unchanged = serializers.IntegerField()
    hosts_created = serializers.IntegerField()
    vendors_created = serializers.IntegerField()


class ContractQuerySerializer(serializers.Serializer):
    contract = serializers.IntegerField(min_value=1, required=False,
                                        help_text="The contract's id.")


class ExportQuerySerializer(serializers.Serializer):
    contract = serializers.IntegerField(min_value=1, help_text="The contract's id.")


class FormatColumnSerializer(serializers.Serializer):
    field = serializers.CharField()
    heading = serializers.CharField(help_text="The heading in the active language.")
    chinese = serializers.CharField()
    english = serializers.CharField()
    required = serializers.BooleanField()


class FormatTableSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="systems or hosts")
    sheet_names = serializers.ListField(child=serializers.CharField())
    columns = FormatColumnSerializer(many=True)


class ImportFormatSerializer(serializers.Serializer):
    max_bytes = serializers.IntegerField()
    max_rows = serializers.IntegerField()
    formats = serializers.ListField(child=serializers.CharField())
    tables = FormatTableSerializer(many=True)


def _problems(problems: list[dict]) -> Response:
    return Response({"problems": problems}, status=status.HTTP_400_BAD_REQUEST)


def _field_problems(errors: dict) -> list[dict]:
    return [{"sheet": "", "row": None, "column": field, "problem": str(message)}
            for field, messages in errors.items() for message in messages]


def _contract(user, contract_id: int) -> Contract:
    return get_object_or_404(Contract.objects.restrict(user), pk=contract_id)


class InventoryImportView(APIView):
    """Import systems and hosts from XLSX or CSV: all rows or none (the purchaser admin).

    GET describes the file: its limits, sheet names and columns (with ``contract``, the
    per-host services that contract rents, under their catalog names).
    """

    parser_classes = [MultiPartParser]
    write_roles = IMPORTER_ROLES

    @extend_schema(parameters=[ContractQuerySerializer],
                   responses={200: ImportFormatSerializer, 404: NOT_YOURS})
    def get(self, request):
        query = ContractQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        contract = None
        if "contract" in query.validated_data:
            contract = _contract(request.user, query.validated_data["contract"])
        return Response(spreadsheets.import_format(contract))

    @extend_schema(
        request={"multipart/form-data": ImportRequestSerializer},
        responses={201: ImportResultSerializer,
                   200: OpenApiResponse(ImportResultSerializer, description="A dry run."),
                   400: OpenApiResponse(ImportProblemsSerializer,
                                        description="Nothing was stored: every problem."),
                   404: NOT_YOURS})
    def post(self, request):
        try:
            given = ImportRequestSerializer(data=request.data)
        except ParseError as error:
            return _problems([{"sheet": "", "row": None, "column": "",
                               "problem": str(error.detail)}])
        if not given.is_valid():
            return _problems(_field_problems(given.errors))
        data = given.validated_data
        contract = _contract(request.user, data["contract"])
        upload = data["file"]
        try:
            result = spreadsheets.import_inventory(
                contract, spreadsheets.read_limited(upload), file_name=upload.name,
                actor=request.user, kind=data.get("kind") or None, dry_run=data["dry_run"],
                request=request)
        except spreadsheets.ImportRefused as refusal:
            return _problems([problem.as_dict() for problem in refusal.problems])
        return Response(ImportResultSerializer(result.as_dict()).data,
                        status=status.HTTP_200_OK if result.dry_run else status.HTTP_201_CREATED)


class InventoryExportView(APIView):
    """Download a contract's systems, hosts, allocation and ledger as XLSX, as far as the
    person may see them (an app vendor: its own systems, hosts and ledger entries)."""

    @extend_schema(parameters=[ExportQuerySerializer], responses={
        (200, spreadsheets.XLSX_CONTENT_TYPE): OpenApiTypes.BINARY, 404: NOT_YOURS})
    def get(self, request):
        if "contract" not in request.query_params:
            raise NotFound(_("Name the contract to export: ?contract=ID."))
        query = ExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        contract = _contract(request.user, query.validated_data["contract"])
        workbook = spreadsheets.export_workbook(contract, actor=request.user, request=request)
        return xlsx_response(workbook, spreadsheets.export_file_name(contract))
