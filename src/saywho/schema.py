"""The output contract as JSON Schema, generated from the dataclasses in ``models.py``.

``docs/output.schema.json`` is this function's output (``saywho schema -o
docs/output.schema.json``); a test fails when the two differ.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any, Literal, Union

from saywho import models

_DESCRIPTIONS = {
    "Article": "One analysed article. Offsets in every span index `text`.",
    "Attribution": "One attributed statement: who (source, speaker), how (cue), what (content), when.",
    "TextSpan": "A piece of `text`: the covered character ranges and their text (ranges joined by one space).",
    "SpeakerRef": "The canonical speaker of an attribution (see the article's `speakers`).",
    "Speaker": "A canonical speaker of the article with every name it goes by.",
    "When": "When the statement was made: the date expression on the cue and, when the publication date is known, the ISO date.",
    "DroppedLine": "A line removed as scraping junk, with why, so the cleaning can be audited.",
}
_FIELD_NOTES = {
    ("Article", "input"): "Where the article came from: a path, URL, or path#record-id.",
    ("Article", "raw"): "True when `text` is the input exactly as decoded (offsets index the input file).",
    ("Attribution", "type"): "direct: all quoted; mixed: reported words with a quoted fragment; indirect: reported speech.",
    ("Attribution", "act"): "speech: a statement (said, wrote, announced, according to, the report found); belief: thoughts, hopes, plans and stances with no statement (thought, hoped, backed the plan, denied the claims), which PolNeAR counts too.",
    ("Attribution", "cue"): "The words that attribute (said, according to, speculated); null for a headline quote.",
    ("Attribution", "source"): "The source mention as written (he, the general, Stephen Townsend); null when there is none.",
    ("Attribution", "confidence"): "0..1; higher is more likely correct (see docs/benchmarks.md for precision by threshold).",
    ("Attribution", "headline"): "A headline quoting the body; its speaker comes from the matching body quote.",
    ("Attribution", "continues"): 'The statement carries on the one before it: the second piece of a quotation its cue interrupts ("X," she said, "Y.") or an implicit continuation ("X," she said. "Y.": no cue or source of its own).',
    ("SpeakerRef", "kind"): "person, organization, group (plural, e.g. officials), or unnamed (could not be resolved to a name).",
}


def _type_schema(tp: Any, refs: dict[str, Any]) -> dict[str, Any]:
    origin = typing.get_origin(tp)
    if tp is str:
        return {"type": "string"}
    if tp is bool:
        return {"type": "boolean"}
    if tp is int:
        return {"type": "integer"}
    if tp is float:
        return {"type": "number"}
    if tp is type(None):
        return {"type": "null"}
    if origin is Literal:
        return {"type": "string", "enum": list(typing.get_args(tp))}
    if origin in (Union, types.UnionType):
        options = [_type_schema(arg, refs) for arg in typing.get_args(tp)]
        return {"anyOf": options}
    if origin is list:
        (item,) = typing.get_args(tp)
        return {"type": "array", "items": _type_schema(item, refs)}
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return {"type": "array", "items": _type_schema(args[0], refs)}
        return {"type": "array", "prefixItems": [_type_schema(a, refs) for a in args], "minItems": len(args), "maxItems": len(args)}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        _define(tp, refs)
        return {"$ref": f"#/$defs/{tp.__name__}"}
    raise TypeError(f"no schema for {tp!r}")


def _define(cls: type, refs: dict[str, Any]) -> None:
    name = cls.__name__
    if name in refs:
        return
    refs[name] = {}  # placeholder against recursion
    hints = typing.get_type_hints(cls, vars(models))
    properties: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        schema = _type_schema(hints[f.name], refs)
        note = _FIELD_NOTES.get((name, f.name))
        if note:
            schema = {**schema, "description": note}
        properties[f.name] = schema
    refs[name] = {
        "type": "object",
        "description": _DESCRIPTIONS.get(name, ""),
        "properties": properties,
        "required": [f.name for f in dataclasses.fields(cls)],
        "additionalProperties": False,
    }


def article_schema() -> dict[str, Any]:
    refs: dict[str, Any] = {}
    _define(models.Article, refs)
    # TextSpan serialises its ranges as [start, end] pairs.
    refs["TextSpan"]["properties"]["spans"] = {
        "type": "array",
        "minItems": 1,
        "items": {"type": "array", "prefixItems": [{"type": "integer", "minimum": 0}] * 2, "minItems": 2, "maxItems": 2},
    }
    article = refs.pop("Article")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://github.com/saywho/saywho/docs/output.schema.json",
        "title": "saywho article",
        **article,
        "$defs": refs,
    }
