"""Tokens: 32 random bytes, urlsafe, shown once; the server keeps only their SHA-256.

A device token starts `otd_` and an API user's `otu_`, so a token pasted in the wrong
place is told apart at once. Enrolment codes are one-time, expire after a day, and are
kept hashed too.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Final
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync_server.services import tx
from sync_server.services.errors import Forbidden, Unauthorised
from sync_server.store.db import Database
from sync_server.store.org import ApiUser, Device

DEVICE_PREFIX: Final = "otd_"
USER_PREFIX: Final = "otu_"


class ApiRole(StrEnum):
    ADMIN = "admin"
    HEAD_OFFICE = "head_office"
    ECOMMERCE = "ecommerce"


def new_token(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_enrolment_code() -> str:
    """16 base32 characters (80 bits) in groups of four: `ABCD-EFGH-JKLM-NPQR`."""
    text = base64.b32encode(secrets.token_bytes(10)).decode()
    return "-".join(text[i : i + 4] for i in range(0, 16, 4))


def enrolment_code_hash(code: str) -> str:
    normalised = code.strip().replace("-", "").replace(" ", "").upper()
    return hashlib.sha256(normalised.encode()).hexdigest()


@dataclass(frozen=True)
class DeviceCaller:
    device_id: UUID
    store_id: UUID
    till_number: int


@dataclass(frozen=True)
class UserCaller:
    user_id: UUID
    name: str
    role: ApiRole


def _lookup(session: Session, token: str) -> DeviceCaller | UserCaller | None:
    digest = token_hash(token)
    if token.startswith(DEVICE_PREFIX):
        device = session.execute(
            select(Device).where(Device.token_hash == digest)
        ).scalar_one_or_none()
        if device is None or device.status != "active":
            return None
        return DeviceCaller(device.id, device.store_id, device.till_number)
    if token.startswith(USER_PREFIX):
        user = session.execute(
            select(ApiUser).where(ApiUser.token_hash == digest)
        ).scalar_one_or_none()
        if user is None or user.revoked_at is not None:
            return None
        return UserCaller(user.id, user.name, ApiRole(user.role))
    return None


def caller(db: Database, token: str | None) -> DeviceCaller | UserCaller:
    """Who holds this bearer token; unknown or revoked tokens are refused (401)."""
    if not token:
        raise Unauthorised("no token: send Authorization: Bearer <token>")
    found = tx.read(db, lambda session: _lookup(session, token))
    if found is None:
        raise Unauthorised("the token is unknown or was revoked")
    return found


def device_caller(db: Database, token: str | None) -> DeviceCaller:
    found = caller(db, token)
    if not isinstance(found, DeviceCaller):
        raise Forbidden("this route is for tills; an API user's token cannot call it")
    return found


def user_caller(db: Database, token: str | None, roles: frozenset[ApiRole]) -> UserCaller:
    found = caller(db, token)
    if not isinstance(found, UserCaller):
        raise Forbidden("this route is for head office; a till's token cannot call it")
    if found.role not in roles:
        allowed = ", ".join(sorted(roles))
        raise Forbidden(f"the {found.role} role may not do this; it needs one of: {allowed}")
    return found


def create_user(db: Database, *, name: str, role: ApiRole) -> tuple[UUID, str]:
    """A new API user; returns its id and its token (shown this once)."""
    from pos_core.ids import new_id

    token = new_token(USER_PREFIX)

    def work(unit: tx.Unit) -> UUID:
        user = ApiUser(
            id=new_id(),
            name=name,
            role=role.value,
            token_hash=token_hash(token),
            created_at=datetime.now(UTC),
        )
        unit.session.add(user)
        return user.id

    return tx.write(db, work, what="creating an API user"), token
