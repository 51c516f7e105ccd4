"""The OpenAPI 3.1 document of the review desk's JSON API (served at /api/openapi.json).

Written out by hand next to the handlers in syndiwatch.web.api; the schemathesis
test in tests/web checks the two agree and that no generated input yields a 500.
"""

from __future__ import annotations

from typing import Any

from drift.codes import CODES
from storage.records import COPY_SORTS

_SEVERITY = {"type": "string", "enum": ["none", "low", "medium", "high"]}
_REVIEW = {"type": "string", "enum": ["open", "confirmed", "dismissed"]}
_STATUS = {"type": "string", "enum": ["live", "removed", "error"]}
_TS = {"type": ["string", "null"]}
_STR_OR_NULL = {"type": ["string", "null"]}


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


def _path(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": schema}


def _json(ref: str, description: str = "OK") -> dict[str, Any]:
    schema = {"$ref": f"#/components/schemas/{ref}"}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_ERRORS = {
    "400": _json("Error", "A parameter or the body is not acceptable"),
    "404": _json("Error", "No such record"),
    "503": _json("Error", "The database failed; the error names a reference in the desk's log"),
}
_WRITE_ERRORS = {
    **_ERRORS,
    "401": _json("Error", "No or wrong credentials"),
    "403": _json("Error", "The desk is read-only (no token configured)"),
    "413": _json("Error", "Body too large"),
    "429": _json("Error", "Too many wrong tokens; Retry-After says when to try again"),
}
_STORY_REF = _path("ref", {"type": "string", "pattern": "^(s_)?[0-9]+$"})
_ID = {"type": "integer", "minimum": 1}
_FILTERS = [
    _query("severity", _SEVERITY, "Only copies of this severity"),
    _query("code", {"type": "string", "enum": sorted(CODES)}, "Only copies with this finding"),
    _query("domain", {"type": "string", "maxLength": 255}, "Domain contains this text"),
    _query("review", _REVIEW, "Copy-level review state"),
    _query("status", _STATUS, "Copy status"),
    _query("sort", {"type": "string", "enum": list(COPY_SORTS)}, "Sort column"),
    _query("dir", {"type": "string", "enum": ["asc", "desc"]}, "Sort direction"),
    _query("page", {"type": "integer", "minimum": 1, "maximum": 1000000}, "Page number"),
    _query("per_page", {"type": "integer", "minimum": 1, "maximum": 500}, "Copies per page"),
]
_REVIEW_BODY = {
    "required": True,
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ReviewRequest"}}},
}
_FINDING = {
    "type": "object",
    "required": ["code", "category", "severity", "message", "evidence", "id", "review"],
    "properties": {
        "id": {"type": "integer"},
        "code": {"type": "string"},
        "category": {"type": "string"},
        "severity": _SEVERITY,
        "message": {"type": "string"},
        "evidence": {"type": "object"},
        "review": _REVIEW,
        "review_note": _STR_OR_NULL,
    },
}
_COPY = {
    "type": "object",
    "required": [
        "id",
        "url",
        "domain",
        "title",
        "status",
        "match",
        "drift_score",
        "severity",
        "findings",
        "review",
    ],
    "properties": {
        "id": {"type": "integer"},
        "url": {"type": "string"},
        "domain": {"type": "string"},
        "title": {"type": "string"},
        "discovered_via": {"type": "string"},
        "first_seen": _TS,
        "last_checked": _TS,
        "status": _STATUS,
        "match": {"type": ["object", "null"]},
        "drift_score": {"type": "integer"},
        "severity": _SEVERITY,
        "review": _REVIEW,
        "review_note": _STR_OR_NULL,
        "reviewed_by": _STR_OR_NULL,
        "reviewed_at": _TS,
        "findings": {"type": "array", "items": {"$ref": "#/components/schemas/Finding"}},
    },
}
_SCHEMAS: dict[str, Any] = {
    "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
    "Finding": _FINDING,
    "Copy": _COPY,
    "ReviewRequest": {
        "type": "object",
        "required": ["state"],
        "properties": {
            "state": _REVIEW,
            "note": {"type": "string", "maxLength": 2000},
            "by": {"type": "string", "maxLength": 80},
        },
    },
    "StoryList": {
        "type": "object",
        "required": ["stories"],
        "properties": {"stories": {"type": "array", "items": {"type": "object"}}},
    },
    "Story": {
        "type": "object",
        "required": ["id", "url", "title"],
        "properties": {
            "id": {"type": "string"},
            "url": {"type": "string"},
            "title": {"type": "string"},
        },
    },
    "CopyPage": {
        "type": "object",
        "required": ["story", "total", "page", "per_page", "copies"],
        "properties": {
            "story": {"type": "string"},
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "copies": {"type": "array", "items": {"$ref": "#/components/schemas/Copy"}},
        },
    },
    "CopyDetail": {
        "type": "object",
        "required": ["story", "copy", "alignment", "attribution", "history", "reviews"],
        "properties": {
            "story": {"type": "string"},
            "copy": {"$ref": "#/components/schemas/Copy"},
            "alignment": {"type": "array"},
            "attribution": {"type": "array"},
            "history": {"type": "object"},
            "reviews": {"type": "array"},
            "earlier_findings": {"type": "array"},
        },
    },
    "CopyReview": {
        "type": "object",
        "required": ["id", "review"],
        "properties": {"id": {"type": "integer"}, "review": _REVIEW},
    },
    "Runs": {
        "type": "object",
        "required": ["runs", "sources"],
        "properties": {"runs": {"type": "array"}, "sources": {"type": "array"}},
    },
    "Report": {
        "type": "object",
        "required": ["schema", "generated_at", "stories"],
        "properties": {
            "schema": {"const": "syndiwatch.report/1"},
            "generated_at": {"type": "string"},
            "stories": {"type": "array"},
        },
    },
}


def _get(summary: str, ref: str, params: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "get": {
            "summary": summary,
            "parameters": params,
            "responses": {"200": _json(ref), **_ERRORS},
        }
    }


def _post(summary: str, ref: str, param: dict[str, Any]) -> dict[str, Any]:
    return {
        "post": {
            "summary": summary,
            "parameters": [param],
            "requestBody": _REVIEW_BODY,
            "security": [{"bearer": []}],
            "responses": {"200": _json(ref), **_WRITE_ERRORS},
        }
    }


OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "syndiwatch review desk",
        "version": "1",
        "description": "Stories, their copies and findings, and review decisions.",
    },
    "paths": {
        "/api/stories": _get(
            "Stories with copy counts",
            "StoryList",
            [_query("q", {"type": "string", "maxLength": 200}, "Search")],
        ),
        "/api/stories/{ref}": _get("One story", "Story", [_STORY_REF]),
        "/api/stories/{ref}/copies": _get(
            "A filtered page of a story's copies", "CopyPage", [_STORY_REF, *_FILTERS]
        ),
        "/api/copies/{copy_id}": _get(
            "One copy: findings, alignment, attribution, history",
            "CopyDetail",
            [_path("copy_id", _ID)],
        ),
        "/api/copies/{copy_id}/review": _post(
            "Review a whole copy", "CopyReview", _path("copy_id", _ID)
        ),
        "/api/findings/{finding_id}/review": _post(
            "Review a finding", "Finding", _path("finding_id", _ID)
        ),
        "/api/runs": _get("Recent runs and the sources", "Runs", []),
        "/api/report": _get(
            "The stored drift report (CONTRACT §3)",
            "Report",
            [_query("story", {"type": "string"}, "Only this story, e.g. s_01")],
        ),
    },
    "components": {
        "schemas": _SCHEMAS,
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
    },
}
