"""Every refusal as an `ErrorBody` with one status code, saying why in human words."""

from __future__ import annotations

import logging
from typing import Any, Final

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException

from pos_core.protocol.messages import PROTOCOL_HEADER, PROTOCOL_VERSION, ErrorBody, ErrorCode
from sync_server.services import errors

log = logging.getLogger(__name__)

_CODES: Final[dict[type[errors.ServiceError], ErrorCode]] = {
    errors.Unauthorised: ErrorCode.UNAUTHORISED,
    errors.Forbidden: ErrorCode.FORBIDDEN,
    errors.NotFound: ErrorCode.NOT_FOUND,
    errors.Diverged: ErrorCode.DEVICE_DIVERGED,
    errors.Clash: ErrorCode.CLASH,
    errors.TooLarge: ErrorCode.TOO_LARGE,
    errors.Unreadable: ErrorCode.UNREADABLE,
    errors.Invalid: ErrorCode.INVALID,
    errors.Busy: ErrorCode.BUSY,
}


class ProtocolUnsupported(Exception):
    """A device request without the protocol version this server speaks."""


def error_response(
    status: int, code: ErrorCode, message: str, limits: dict[str, int] | None = None
) -> JSONResponse:
    body = ErrorBody(error=code, message=message, limits=limits)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body.model_dump(mode="json", exclude_none=True), status, headers=headers)


def _code(exc: errors.ServiceError) -> ErrorCode:
    for kind in type(exc).__mro__:
        if kind in _CODES:
            return _CODES[kind]
    return ErrorCode.INVALID


async def _service_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, errors.ServiceError)
    return error_response(exc.status, _code(exc), exc.message, exc.limits)


async def _protocol(_: Request, exc: Exception) -> JSONResponse:
    return error_response(
        426,
        ErrorCode.PROTOCOL_UNSUPPORTED,
        f"this server speaks {PROTOCOL_HEADER}: {PROTOCOL_VERSION}; send that header, or "
        "update the till — it keeps its events until then",
    )


async def _validation(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems: list[Any] = list(exc.errors())
    first = problems[0] if problems else {"loc": (), "msg": "invalid request", "type": ""}
    where = ".".join(str(p) for p in first.get("loc", ()))
    code = ErrorCode.UNREADABLE if first.get("type") == "json_invalid" else ErrorCode.INVALID
    return error_response(422, code, f"{where}: {first.get('msg')}".strip(": "))


async def _http(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    code = {404: ErrorCode.NOT_FOUND, 401: ErrorCode.UNAUTHORISED, 403: ErrorCode.FORBIDDEN}
    return error_response(
        exc.status_code, code.get(exc.status_code, ErrorCode.INVALID), str(exc.detail)
    )


async def _data(_: Request, exc: Exception) -> JSONResponse:
    # A value the database cannot hold (a NUL in text, a number beyond 64 bits): bad input.
    sqlstate = getattr(getattr(exc, "orig", None), "sqlstate", "")
    log.info("refused a value the database cannot store (sqlstate %s)", sqlstate)
    return error_response(422, ErrorCode.INVALID, "a value in the request cannot be stored")


async def _fault(_: Request, exc: Exception) -> JSONResponse:
    log.error("unhandled %s", type(exc).__name__, exc_info=exc)
    return error_response(500, ErrorCode.INTERNAL, "the server failed; it was logged — try again")


def install(app: FastAPI) -> None:
    app.add_exception_handler(errors.ServiceError, _service_error)
    app.add_exception_handler(ProtocolUnsupported, _protocol)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(DataError, _data)
    app.add_exception_handler(Exception, _fault)
