"""Route dependencies: the database, the protocol header, and who is calling.

Device routes need `OmniTill-Protocol: 1` (else 426) and a till's bearer token; head-office
routes need an API user's token with one of the route's roles. A till's token on a
head-office route, or an API user's on a device route, is refused with 403.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Final

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from pos_core.protocol.messages import PROTOCOL_HEADER, PROTOCOL_VERSION
from sync_server.api.errors import ProtocolUnsupported
from sync_server.services import auth
from sync_server.services.auth import ApiRole, DeviceCaller, UserCaller
from sync_server.store.db import Database

_bearer = HTTPBearer(auto_error=False, description="a till's or an API user's token")

ADMIN: Final = frozenset({ApiRole.ADMIN})
HEAD_OFFICE: Final = frozenset({ApiRole.ADMIN, ApiRole.HEAD_OFFICE})
ANY_USER: Final = frozenset(ApiRole)


def database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


Db = Annotated[Database, Depends(database)]
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def protocol(
    version: Annotated[str | None, Header(alias=PROTOCOL_HEADER)] = None,
) -> None:
    """Device routes speak protocol 1 only; anything else is 426."""
    if version is None or version.strip() != str(PROTOCOL_VERSION):
        raise ProtocolUnsupported()


def current_device(
    db: Db, credentials: Credentials, _: Annotated[None, Depends(protocol)]
) -> DeviceCaller:
    return auth.device_caller(db, credentials.credentials if credentials else None)


Till = Annotated[DeviceCaller, Depends(current_device)]


def user_with(roles: frozenset[ApiRole]) -> Callable[..., UserCaller]:
    def current_user(db: Db, credentials: Credentials) -> UserCaller:
        return auth.user_caller(db, credentials.credentials if credentials else None, roles)

    return current_user


Admin = Annotated[UserCaller, Depends(user_with(ADMIN))]
HeadOffice = Annotated[UserCaller, Depends(user_with(HEAD_OFFICE))]
AnyUser = Annotated[UserCaller, Depends(user_with(ANY_USER))]
