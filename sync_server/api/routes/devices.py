"""POST /api/v1/devices/enrol: a till exchanges its one-time code for its token."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from pos_core.protocol.messages import EnrolRequest, EnrolResponse, ErrorBody
from sync_server.api.deps import Db, protocol
from sync_server.services import tills

router = APIRouter(prefix="/api/v1/devices", tags=["tills"])


@router.post(
    "/enrol",
    response_model=EnrolResponse,
    responses={401: {"model": ErrorBody}, 426: {"model": ErrorBody}},
)
def enrol(request: EnrolRequest, db: Db, _: Annotated[None, Depends(protocol)]) -> EnrolResponse:
    """No token: the one-time enrolment code is the credential."""
    return tills.enrol(db, request)
