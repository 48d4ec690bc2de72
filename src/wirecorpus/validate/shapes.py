"""Level 2: a JSON object has the shape of its record type.

The shapes are compiled once from :func:`wirecorpus.schema.field_specs` and
the inventories of ``annotations/schema.json``; there is no second list of
fields here. The walk is written for speed, as it runs over every record of
the corpus: a clean record costs a key-set comparison and one type test per field.
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .. import schema
from ..jsonpos import JsonPath
from .registry import Collector, check

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_PY_TYPES = {"string": str, "int": int, "date": str, "record": dict, "list": list}
_LISTED_VALUES_MAX = 20


@dataclass(frozen=True, slots=True)
class FieldCheck:
    """One field of a shape: its spec, the values its inventory allows, the shape of its records."""

    name: str
    spec: schema.FieldSpec
    py_type: type
    allowed: frozenset[str] | None
    shape: Shape | None
    simple: bool  # a string or integer with no inventory: its type test is the whole check

    @property
    def expected(self) -> str:
        spec = self.spec
        if spec.kind == "list":
            what = f"a list of {spec.record.__name__} objects" if spec.record else f"a list of {_noun(spec.item_kind)}s"
        elif spec.kind == "record":
            what = f"{_article(spec.record.__name__.lower())} {spec.record.__name__} object"
        else:
            what = f"{_article(_noun(spec.kind))} {_noun(spec.kind)}"
        return f"{what} or null" if spec.nullable else what


@dataclass(frozen=True, slots=True)
class Shape:
    """A record type's fields, compiled for checking its JSON form."""

    name: str
    fields: tuple[FieldCheck, ...]
    required: frozenset[str]
    allowed: frozenset[str]
    is_clean: Callable[[Any], bool]  # True for a record with nothing to report


def _noun(kind: str) -> str:
    return {"string": "string", "int": "integer", "date": "date string YYYY-MM-DD"}[kind]


def _article(noun: str) -> str:
    return "an" if noun[0] in "aeiou" else "a"


def compile_shape(record: type, inventory: schema.Inventory) -> Shape:
    """The shape of a record type, with its nested records, under an inventory."""
    fields = []
    for spec in schema.field_specs(record):
        allowed = inventory.values(spec.inventory) if spec.inventory else None
        shape = compile_shape(spec.record, inventory) if spec.record else None
        simple = spec.kind in ("string", "int") and allowed is None
        fields.append(FieldCheck(spec.name, spec, _PY_TYPES[spec.kind], allowed, shape, simple))
    required = frozenset(f.name for f in fields if not f.spec.optional)
    allowed = frozenset(f.name for f in fields)
    return Shape(record.__name__, tuple(fields), required, allowed, _clean_test(tuple(fields), required, allowed))


def _clean_test(fields: tuple[FieldCheck, ...], required: frozenset[str], allowed: frozenset[str]) -> Callable[[Any], bool]:
    """Generate, as Python source, one expression that is True for a record with nothing to report.

    Nearly every record of a corpus is clean and then costs this one call; only
    a record for which it is False is walked field by field to say what is wrong.
    """
    namespace: dict[str, Any] = {"ALLOWED": allowed, "REQUIRED": required, "is_iso_date": is_iso_date}
    keys = "value.keys() == ALLOWED" if required == allowed else "value.keys() <= ALLOWED and REQUIRED <= value.keys()"
    terms = ["type(value) is dict", keys]
    for index, field in enumerate(fields):
        var = f"v{index}"
        test = _type_test(field, var, index, namespace)
        fetch = f"({var} := value[{field.name!r}])"
        term = f"({fetch} is None or ({test}))" if field.spec.nullable else f"({fetch} is not None and {test})"
        terms.append(f"({field.name!r} not in value or {term})" if field.spec.optional else term)
    source = "def is_clean(value):\n    return (\n        " + "\n        and ".join(terms) + "\n    )\n"
    exec(source, namespace)
    return namespace["is_clean"]


def _type_test(field: FieldCheck, var: str, index: int, namespace: dict[str, Any]) -> str:
    spec = field.spec
    if spec.kind == "record":
        namespace[f"clean{index}"] = field.shape.is_clean
        return f"clean{index}({var})"
    if spec.kind == "list" and field.shape is not None:
        namespace[f"clean{index}"] = field.shape.is_clean
        return f"type({var}) is list and all(map(clean{index}, {var}))"
    if spec.kind == "list":
        namespace[f"item{index}"] = _PY_TYPES[spec.item_kind]
        if field.allowed is not None:
            namespace[f"allowed{index}"] = field.allowed
            return f"type({var}) is list and all(type(item) is item{index} and item in allowed{index} for item in {var})"
        return f"type({var}) is list and all(type(item) is item{index} for item in {var})"
    namespace[f"type{index}"] = field.py_type
    test = f"type({var}) is type{index}"
    if field.allowed is not None:
        namespace[f"allowed{index}"] = field.allowed
        test += f" and {var} in allowed{index}"
    if spec.kind == "date":
        test += f" and is_iso_date({var})"
    return test


def json_type(value: Any) -> str:
    """What a JSON value is, as a reader would say it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    names = {dict: "an object", list: "a list", str: "a string", int: "an integer", float: "a number"}
    shown = "" if isinstance(value, dict | list) else f" {_short(value)}"
    return f"{names[type(value)]}{shown}"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


@check(2)
def check_record(shape: Shape, value: Any, where: JsonPath, found: Collector) -> None:
    """A JSON object has its record's fields, each of the declared type, with inventory values.

    Emits:
        wrong-type (error): a value of the wrong JSON type (also null where the schema does not allow it).
        missing-field (error): a required field is absent.
        unknown-field (error): a field the schema does not define (misspelt, or from another tool).
        not-in-inventory (error): a label, quote kind, annotator kind, event type, role or layer name not in annotations/schema.json.
        invalid-date (error): a date that is not a real date written YYYY-MM-DD.
    """
    if shape.is_clean(value):
        return
    if type(value) is not dict:
        found.add("wrong-type", f"is {json_type(value)}, expected {_article(shape.name.lower())} {shape.name} object", where)
        return
    keys = value.keys()
    if not (keys <= shape.allowed and shape.required <= keys):
        for name in sorted(shape.required - keys):
            found.add("missing-field", f"the required field {name!r} is missing", where)
        for name in sorted(keys - shape.allowed):
            found.add("unknown-field", f"unknown field {name!r}; {_article(shape.name.lower())} {shape.name} has {', '.join(sorted(shape.allowed))}", where, at=(*where, name))
    for field in shape.fields:
        if field.name in value:
            item = value[field.name]
            if not field.simple or type(item) is not field.py_type:
                _check_value(field, item, where, found)


def _check_value(field: FieldCheck, value: Any, where: JsonPath, found: Collector) -> None:
    at = (*where, field.name)
    if value is None:
        if not field.spec.nullable:
            found.add("wrong-type", f"{field.name} is null, expected {field.expected}", where, at=at)
    elif type(value) is not field.py_type:
        found.add("wrong-type", f"{field.name} is {json_type(value)}, expected {field.expected}", where, at=at)
    elif field.spec.kind == "record":
        check_record(field.shape, value, at, found)
    elif field.spec.kind == "list":
        _check_items(field, value, at, found)
    elif field.allowed is not None and value not in field.allowed:
        found.add("not-in-inventory", f"{field.name} is {value!r}, {_expected_values(field, value)}", where, at=at)
    elif field.spec.kind == "date" and not is_iso_date(value):
        found.add("invalid-date", f"{field.name} is {value!r}, expected a real date written YYYY-MM-DD", where, at=at)


def _check_items(field: FieldCheck, items: list, at: JsonPath, found: Collector) -> None:
    if field.shape is not None:
        shape = field.shape
        for index, item in enumerate(items):
            check_record(shape, item, (*at, index), found)
        return
    py_type = _PY_TYPES[field.spec.item_kind]
    for index, item in enumerate(items):
        if type(item) is not py_type:
            found.add("wrong-type", f"{field.name}[{index}] is {json_type(item)}, expected {_article(_noun(field.spec.item_kind))} {_noun(field.spec.item_kind)}", at, at=(*at, index))
        elif field.allowed is not None and item not in field.allowed:
            found.add("not-in-inventory", f"{field.name}[{index}] is {item!r}, {_expected_values(field, item)}", at, at=(*at, index))


def _expected_values(field: FieldCheck, value: str) -> str:
    allowed = sorted(field.allowed)
    listed = f"one of {', '.join(allowed)}" if len(allowed) <= _LISTED_VALUES_MAX else f"one of the {len(allowed)} {field.spec.inventory}"
    close = difflib.get_close_matches(value, allowed, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"expected {listed} in annotations/schema.json{hint}"


def is_iso_date(value: str) -> bool:
    """Whether a string is a real date written YYYY-MM-DD."""
    if not _ISO_DATE.fullmatch(value):
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True
