"""Read and check a contract file (format ``govcloud-contract/1``, see docs/contract-file.md).

Reading is pure: no database. A file passes the limits of ``file_limits`` (size, nesting,
aliases, numbers and characters the database holds) and the JSON Schema in ``schema/``
(shape, types, allowed values) first, and then the rules a schema cannot express (sums,
tax, dates, duplicate names), which assume a sound shape. Loading reads a file through
the same checks, so what ``contract check`` accepts ``contract load`` stores. Every
problem names the file, the field path and what is wrong; all problems of a stage are
reported together.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from govcloud.contract.file_limits import MAX_FILE_BYTES, LimitedComposer, value_problems
from govcloud.lib.money import (
    HUNDRED,
    MoneyError,
    amount_in_words,
    excluding_tax_agrees,
    format_yuan,
    same_amount_in_words,
    split_by_percent,
    to_money,
)

SCHEMA_PATH = Path(__file__).parent / "schema" / "contract.schema.json"
BUNDLED_DIR = Path(__file__).parent / "bundled"
TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a contract file, at a field path such as ``payments[1].percent``."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class ContractFileError(ValueError):
    """A contract file cannot be used; ``problems`` lists everything wrong with it."""

    def __init__(self, source: str, problems: list[Problem]):
        self.source = source
        self.problems = problems
        lines = [f"{source}: {problem}" for problem in problems]
        super().__init__("\n".join(lines))


@dataclass
class ContractDocument:
    """A contract file that passed every check, with exact amounts and real dates."""

    source: str
    data: dict[str, Any]
    findings: list[dict] = field(default_factory=list)
    #: The text that was checked, stored as the version's source.
    text: str = ""

    @property
    def code(self) -> str:
        code: str = self.data["identity"]["code"]
        return code

    @property
    def fingerprint(self) -> str:
        """Return a hash of the content, so that comments and layout do not make a new version."""
        canonical = json.dumps(self.data, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(canonical.encode()).hexdigest()


class _ContractLoader(LimitedComposer, yaml.SafeLoader):
    """YAML with exact decimals, dates left as text for the schema, duplicate keys refused,
    and nesting and alias expansion bounded."""


_ContractLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != TIMESTAMP_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    text = loader.construct_scalar(node).replace("_", "")
    value = Decimal(text) if text.lower().lstrip("+-") not in {".inf", ".nan"} else None
    if value is None:
        raise yaml.constructor.ConstructorError(
            None, None, f"{text!r} is not a finite number", node.start_mark
        )
    return value


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict:
    loader.flatten_mapping(node)
    mapping: dict = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key {key!r} appears twice", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
    return mapping


_ContractLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
_ContractLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


@cache
def contract_schema() -> dict:
    """Return the JSON Schema of the contract file format."""
    schema: dict = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


def bundled_contract_path() -> Path:
    """Return the bundled example contract (the Beijing SASAC 2025 contract)."""
    return BUNDLED_DIR / "beijing-sasac-2025.yaml"


def read_contract_file(path: Path | str) -> ContractDocument:
    """Read, check and normalize a contract file, or raise ContractFileError."""
    path = Path(path)
    source = str(path)
    try:
        with path.open("rb") as stream:
            content = stream.read(MAX_FILE_BYTES + 1)
        text = content.decode("utf-8")
    except FileNotFoundError:
        raise ContractFileError(source, [Problem("", "no such file")]) from None
    except IsADirectoryError:
        raise ContractFileError(source, [Problem("", "is a directory, not a file")]) from None
    except UnicodeDecodeError as error:
        problem = Problem("", f"is not UTF-8 text (byte {error.start})")
        raise ContractFileError(source, [problem]) from None
    return read_contract_text(text, source=source)


def read_contract_text(text: str, *, source: str = "<contract>") -> ContractDocument:
    """Check and normalize the text of a contract file, or raise ContractFileError."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        message = f"is larger than {MAX_FILE_BYTES} bytes, the largest contract file read"
        raise ContractFileError(source, [Problem("", message)])
    raw = _parse_yaml(text, source)
    schema_problems = _schema_problems(raw) + [
        Problem(_field_path(parts), message) for parts, message in value_problems(raw)]
    if schema_problems:
        raise ContractFileError(source, schema_problems)
    checker = _RuleChecker(raw)
    data = checker.run()
    if checker.problems:
        raise ContractFileError(source, checker.problems)
    return ContractDocument(source=source, data=data, findings=checker.findings, text=text)


def _parse_yaml(text: str, source: str) -> dict:
    try:
        raw = yaml.load(text, Loader=_ContractLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        message = f"is not valid YAML: {where}{problem}"
        raise ContractFileError(source, [Problem("", message)]) from None
    if not isinstance(raw, dict):
        kind = "empty" if raw is None else f"a {type(raw).__name__}"
        message = f"must be a YAML mapping of sections, but it is {kind}"
        raise ContractFileError(source, [Problem("", message)])
    return raw


def _field_path(parts: Any) -> str:
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def _describe(error: jsonschema.ValidationError) -> str:
    """Turn a schema error into a sentence a contract writer understands."""
    # Set on every error the validator reports (jsonschema types them as possibly unset).
    value: Any = error.instance
    schema: Any = error.schema
    rule_value: Any = error.validator_value
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return f"missing required field '{missing}'"
    if error.validator == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        extra = sorted(set(value) - set(allowed))
        return f"unknown field {', '.join(map(repr, extra))} (allowed: {', '.join(allowed)})"
    if error.validator == "type":
        expected = rule_value
        expected = " or ".join(expected) if isinstance(expected, list) else expected
        return f"expected {expected}, got {value!r}"
    if error.validator in {"enum", "const"}:
        allowed = rule_value
        allowed = allowed if isinstance(allowed, list) else [allowed]
        return f"{value!r} is not one of: {', '.join(map(str, allowed))}"
    if error.validator in {"minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"}:
        bounds = {"minimum": "at least", "exclusiveMinimum": "more than",
                  "maximum": "at most", "exclusiveMaximum": "less than"}
        bound = f"{bounds[str(error.validator)]} {rule_value}"
        return f"{value!r} is out of range: must be {bound}"
    if error.validator == "pattern" and rule_value == "\\S":
        return "must not be blank"
    if error.validator == "pattern":
        hint = schema.get("description", f"the pattern {rule_value}")
        return f"{value!r} is not in the expected form ({hint})"
    if error.validator == "oneOf" and rule_value == [
        {"required": ["working_days"]}, {"required": ["days"]}
    ]:
        return "give exactly one of 'working_days' or 'days'"
    if error.validator == "oneOf" and rule_value == [
        {"required": ["after"]}, {"required": ["before"]}
    ]:
        return "give either 'after' or 'before' (the events the deadline counts from)"
    if error.validator == "oneOf" and isinstance(value, dict) and "rule" in value:
        return f"rule '{value['rule']}' needs exactly one of 'target' or 'target_ref'"
    if error.validator == "oneOf" and isinstance(value, dict) and value.get("kind") == "notice":
        return "a notice needs exactly one of 'within' (a time limit) or 'timing: immediately'"
    if error.validator in {"minItems", "minLength", "minProperties"}:
        return "must not be empty"
    if error.validator == "maxLength":
        return f"is longer than {rule_value} characters"
    if error.validator == "maxProperties":
        return f"give one unit only, got {', '.join(value)}"
    if error.validator == "uniqueItems":
        return "lists the same value twice"
    return error.message


def _schema_problems(raw: dict) -> list[Problem]:
    validator = jsonschema.Draft202012Validator(contract_schema())
    problems = []
    for error in sorted(validator.iter_errors(raw), key=lambda e: list(map(str, e.absolute_path))):
        problems.append(Problem(_field_path(error.absolute_path), _describe(error)))
    return problems


def _plain(value: Any) -> int | str:
    """Write a Decimal as its plain value, so that 70, 70.0 and 99.9, 99.90 are the same."""
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return int(value)
        return format(value.normalize(), "f")
    return str(value)


class _RuleChecker:
    """The rules of a contract that a schema cannot express; collects every problem."""

    def __init__(self, raw: dict):
        self.raw = raw
        self.problems: list[Problem] = []
        self.findings: list[dict] = []

    def fail(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def date_at(self, path: str, text: str) -> date | None:
        try:
            return date.fromisoformat(text)
        except ValueError:
            self.fail(path, f"{text!r} is not a real date")
            return None

    def money_at(self, path: str, value: Any) -> Decimal | None:
        try:
            return to_money(value)
        except MoneyError as error:
            self.fail(path, str(error))
            return None

    def run(self) -> dict:
        data: dict = json.loads(json.dumps(self.raw, default=_plain))  # a deep copy we may rewrite
        self.check_dates(data)
        self.check_money(data)
        self.check_payments(data)
        self.check_unit_prices(data)
        self.check_unique(data, "catalog", "number")
        self.check_unique(data, "catalog", "name")
        self.check_unique(data, "catalog", "name_en")
        self.check_unique(data, "catalog", "meter", ignore={"other"})
        self.check_unique(data, "kpis", "number")
        self.check_unique(data, "kpis", "measure", ignore={"manual"})
        self.check_unique(data, "obligations", "key")
        self.check_kpis(data)
        self.check_systems(data)
        return data

    def check_dates(self, data: dict) -> None:
        identity, term = data["identity"], data["term"]
        signed = self.date_at("identity.signed_on", identity["signed_on"])
        start = self.date_at("term.start", term["start"])
        end = self.date_at("term.end", term["end"])
        if start and end and start > end:
            self.fail("term.end", f"{end} is before the start of the term ({start})")
        if signed and end and signed > end:
            self.fail("identity.signed_on", f"{signed} is after the end of the term ({end})")
        if "amendment" in identity:
            self.date_at("identity.amendment.signed_on", identity["amendment"]["signed_on"])
        transition = term.get("transition")
        if transition:
            begins = self.date_at("term.transition.start", transition["start"])
            if begins and end and begins <= end:
                self.fail("term.transition.start", f"{begins} is not after the term ends ({end})")
        self.term = (start, end)

    def check_money(self, data: dict) -> None:
        money = data["money"]
        including = self.money_at("money.total_including_tax", money["total_including_tax"])
        excluding = self.money_at("money.total_excluding_tax", money["total_excluding_tax"])
        rate = Decimal(str(money["tax_rate_percent"])) / HUNDRED
        for path, amount in (("money.total_including_tax", including),
                             ("money.total_excluding_tax", excluding)):
            if amount is not None and amount < 0:
                self.fail(path, f"{format_yuan(amount)} is negative")
        if including is not None and including < 0:
            including = None
        if including is not None and excluding is not None:
            if excluding > including:
                self.fail("money.total_excluding_tax", "is more than the total including tax")
            elif not excluding_tax_agrees(including, excluding, rate):
                expected = including / (1 + rate)
                self.fail(
                    "money.total_excluding_tax",
                    f"{format_yuan(excluding)} disagrees with {format_yuan(including)} at "
                    f"{money['tax_rate_percent']}% tax by more than one fen "
                    f"(expected about {format_yuan(expected.quantize(Decimal('0.01')))})",
                )
            money["total_including_tax"] = str(including)
            money["total_excluding_tax"] = str(excluding)
        words = money.get("total_in_words")
        if including is not None and words:
            written = amount_in_words(including)
            if not same_amount_in_words(words, written):
                self.fail("money.total_in_words",
                          f"{words!r} does not read {format_yuan(including)} (which is {written})")
        self.total = including

    def check_payments(self, data: dict) -> None:
        payments = data["payments"]
        self.check_unique(data, "payments", "key")
        percents = [Decimal(str(payment["percent"])) for payment in payments]
        if sum(percents) != HUNDRED:
            shares = " + ".join(f"{p}%" for p in percents)
            self.fail("payments", f"the milestones add up to {shares} = {sum(percents)}%, not 100%")
            return
        if self.total is None:
            return
        amounts = split_by_percent(self.total, percents)
        for index, (payment, amount) in enumerate(zip(payments, amounts, strict=True)):
            path = f"payments[{index}]"
            payment["amount"] = str(amount)
            if "stated_amount" in payment:
                stated = self.money_at(f"{path}.stated_amount", payment["stated_amount"])
                if stated is not None and stated != amount:
                    self.fail(f"{path}.stated_amount", f"{format_yuan(stated)} is not "
                              f"{payment['percent']}% of {format_yuan(self.total)} "
                              f"(that is {format_yuan(amount)})")
                payment["stated_amount"] = str(stated)

    def check_unit_prices(self, data: dict) -> None:
        for index, item in enumerate(data["catalog"]):
            if "unit_price" not in item:
                continue
            path = f"catalog[{index}].unit_price"
            price = self.money_at(path, item["unit_price"])
            if price is not None and price < 0:
                self.fail(path, f"{format_yuan(price)} is negative")
            elif price is not None:
                item["unit_price"] = str(price)

    def check_unique(self, data: dict, section: str, key: str,
                     ignore: frozenset[str] | set[str] = frozenset()) -> None:
        seen: dict[Any, int] = {}
        for index, item in enumerate(data.get(section, [])):
            value = item.get(key)
            if value is None or value in ignore:
                continue
            if value in seen:
                self.fail(f"{section}[{index}].{key}",
                          f"{value!r} is already used by {section}[{seen[value]}]")
            else:
                seen[value] = index

    def check_kpis(self, data: dict) -> None:
        obligations = {item["key"] for item in data.get("obligations", [])}
        start, end = self.term
        for index, kpi in enumerate(data["kpis"]):
            path = f"kpis[{index}]"
            if "target_date" in kpi:
                target = self.date_at(f"{path}.target_date", kpi["target_date"])
                if target and start and end and not start <= target <= end:
                    self.fail(f"{path}.target_date",
                              f"{target} is outside the term ({start} to {end})")
            if kpi.get("obligation") and kpi["obligation"] not in obligations:
                self.fail(f"{path}.obligation", f"no obligation has the key {kpi['obligation']!r}")

    def check_systems(self, data: dict) -> None:
        rows: dict[int, int] = {}
        first_row_of_name: dict[str, int] = {}
        labels: dict[str, int] = {}
        for index, system in enumerate(data["systems"]):
            path = f"systems[{index}]"
            row, name = system["row"], system["name"].strip()
            if row in rows:
                self.fail(f"{path}.row", f"row {row} is already used by systems[{rows[row]}]")
            rows[row] = index
            earlier = first_row_of_name.get(name)
            declared = system.get("duplicate_of_row")
            if earlier is None:
                first_row_of_name[name] = row
                if declared is not None:
                    self.fail(f"{path}.duplicate_of_row",
                              f"row {declared} does not carry the name {name!r}")
                for field_name in ("stored_as", "label"):
                    if field_name in system and declared is None:
                        self.fail(f"{path}.{field_name}", f"row {row} is not a duplicate; "
                                  f"{field_name} belongs to a row with duplicate_of_row")
                system["label"] = name
            elif declared != earlier:
                self.fail(f"{path}.name", f"{name!r} (row {row}) duplicates row {earlier}; if the "
                          f"contract really lists it twice, add duplicate_of_row: {earlier} and "
                          "stored_as: separate or merged")
                continue
            else:
                self.check_declared_duplicate(path, system, earlier)
            label = system.get("label")
            if label in labels and system.get("stored_as") != "merged":
                self.fail(f"{path}.label",
                          f"{label!r} is already the name of systems[{labels[label]}]")
            labels.setdefault(label, index)

    def check_declared_duplicate(self, path: str, system: dict, earlier: int) -> None:
        row, name = system["row"], system["name"]
        stored_as = system.get("stored_as")
        if stored_as is None:
            self.fail(f"{path}.stored_as", "say how the duplicate is stored: separate or merged")
            return
        if stored_as == "separate":
            if not system.get("label") or system["label"] == name:
                self.fail(f"{path}.label", "a duplicate stored separately needs a label of its own")
                return
        else:
            system["label"] = name
        finding = {"kind": "duplicate_system_row", "row": row, "duplicate_of_row": earlier,
                   "name": name, "stored_as": stored_as, "label": system["label"]}
        self.findings.append(finding)
