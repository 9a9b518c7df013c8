"""Validation errors as messages a person can act on (HTTP 422), never a stack trace."""

from __future__ import annotations

import logging
from typing import Any, Dict, List

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import exc


def _field_name(error: Dict[str, Any]) -> str:
    if error.get("type") == "json_invalid":
        return ""  # its location is a character offset, not a field
    return ".".join(str(part) for part in error.get("loc", ()) if part != "body")


def _field_message(error: Dict[str, Any]) -> str:
    kind = error.get("type", "")
    if kind in ("value_error.jsondecode", "json_invalid"):
        return "The request body is not valid JSON."
    field = _field_name(error) or "request body"
    context = error.get("ctx") or {}
    if kind == "value_error.missing":
        return f"'{field}' is required."
    if kind == "value_error.const" and "permitted" in context:
        choices = ", ".join(str(choice) for choice in context["permitted"])
        return f"'{field}' cannot be {context.get('given')!r}. Choose one of: {choices}."
    if kind in ("value_error.date", "type_error.date"):
        return f"'{field}' must be a real date written YYYY-MM-DD, for example 2026-03-03."
    if kind.startswith("type_error.integer") or kind == "value_error.number.not_ge":
        return f"'{field}' must be a whole number."
    if kind == "type_error.bool":
        return f"'{field}' must be true or false."
    if kind == "value_error.extra":
        return f"'{field}' is not a field this endpoint takes."
    if kind == "type_error.dict":
        return "The request body must be a JSON object."
    return f"'{field}': {error.get('msg', 'is not valid')}."


async def validation_error_handler(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors: List[Dict[str, Any]] = [
        {"field": _field_name(error), "message": _field_message(error)} for error in exc.errors()
    ]
    return JSONResponse(status_code=422, content={"message": " ".join(e["message"] for e in errors), "errors": errors})


DATABASE_UNAVAILABLE = "The service is briefly unavailable. Nothing you sent was kept: please try again in a minute."


def is_database_unavailable(error: BaseException) -> bool:
    """A lost or refused database connection (or a locked SQLite file), not a bug in a query."""
    return isinstance(error, (exc.OperationalError, exc.InterfaceError, exc.TimeoutError)) or (
        isinstance(error, exc.DBAPIError) and error.connection_invalidated
    )


async def database_error_handler(request: Request, exc: Exception) -> JSONResponse:
    """503 with Retry-After when the database cannot be reached; anything else stays a 500."""
    if not is_database_unavailable(exc):
        raise exc
    logging.getLogger(__name__).error(
        "database unavailable during %s %s: %s", request.method, request.url.path, str(exc).splitlines()[0][:300]
    )
    return JSONResponse(status_code=503, content={"message": DATABASE_UNAVAILABLE}, headers={"Retry-After": "30"})
