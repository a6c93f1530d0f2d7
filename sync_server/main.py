"""`create_app(settings)`: the FastAPI app, its database, its routes. Nothing at import time.

`app_from_env` is the factory uvicorn calls in each worker (`omnitill-server serve`); the
server keeps no state in the process, so any number of workers share one PostgreSQL.
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.openapi.utils import get_openapi

from pos_core.protocol.messages import PushRequest
from sync_server.api import errors
from sync_server.api.routes import (
    admin,
    catalog,
    conflicts,
    coupons,
    devices,
    health,
    members,
    orders,
    sales,
    stock,
    stores,
    sync,
)
from sync_server.settings import Settings
from sync_server.store.db import open_database

log = logging.getLogger(__name__)


def create_app(settings: Settings) -> FastAPI:
    """The server for one database; its engine is disposed when the app shuts down."""
    db = open_database(settings.db_url)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        log.info("server starting on %s", db.engine.dialect.name)
        # Everything built so far lives as long as the process; keeping it out of the
        # garbage collector's scans spares each push a full collection's pause.
        gc.freeze()
        yield
        db.dispose()

    app = FastAPI(
        title="OmniTill sync server",
        version="1",
        summary="Tills push events and pull changes; head office runs the chain.",
        lifespan=lifespan,
    )
    app.state.db = db
    errors.install(app)
    for module in (
        health, devices, sync, coupons, members, sales, stores, catalog, orders, stock,
        conflicts, admin,
    ):  # fmt: skip
        app.include_router(module.router)
    app.middleware("http")(_request_log)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def app_from_env() -> FastAPI:
    """The factory uvicorn calls in each worker: the database from $OMNITILL_SERVER_DB."""
    return create_app(Settings.from_env())


async def _request_log(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    started = time.perf_counter()
    response = await call_next(request)
    route = request.scope.get("route")
    # The route's template, never the raw path: paths can carry coupon codes.
    log.info(
        "%s %s %d",
        request.method,
        getattr(route, "path", "-"),
        response.status_code,
        extra={"ms": round((time.perf_counter() - started) * 1000, 1)},
    )
    return response


def _openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema is None:
        schema = get_openapi(
            title=app.title, version=app.version, summary=app.summary, routes=app.routes
        )
        # Push reads its body itself (to check sizes first); publish the body's schema.
        body = PushRequest.model_json_schema(ref_template="#/components/schemas/{model}")
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.update(body.pop("$defs", {}))
        components["PushRequest"] = body
        app.openapi_schema = schema
    return app.openapi_schema
