"""What the route modules share: the refusals each route documents."""

from __future__ import annotations

from typing import Any

from pos_core.protocol.messages import ErrorBody


def refusals(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {code: {"model": ErrorBody} for code in codes}
