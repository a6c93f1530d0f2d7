"""A printed document as semantic blocks: what the till lays out and a printer renders.

The till builds a `PrintDocument` (a receipt, a return receipt, an X/Z report, a pickup
slip) from blocks that say what a line is, not how wide it is: a `Row` is a left and a
right column, a `Columns` row shares the width by weights. The printer driver (hardware/)
knows the paper width, the characters per line and the encoding, and renders the blocks
to ESC/POS, counting CJK characters as two columns. The same document renders to 58 mm and
80 mm paper, and to text for a screen preview.

Documents are stored as JSON (in the sale and in the print queue), so they are pydantic
models with a `type` tag on each block.
"""

from __future__ import annotations

import unicodedata
import uuid
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field


class Align(StrEnum):
    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"


class Size(StrEnum):
    NORMAL = "normal"
    DOUBLE_HEIGHT = "double_height"
    DOUBLE = "double"  # double width and height: each character takes two columns more


class _Block(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Block):
    type: Literal["text"] = "text"
    text: str
    align: Align = Align.LEFT
    bold: bool = False
    size: Size = Size.NORMAL


class Row(_Block):
    """A left text and a right text on one line (e.g. a label and an amount); the left side
    wraps onto further lines if both do not fit."""

    type: Literal["row"] = "row"
    left: str
    right: str
    bold: bool = False
    size: Size = Size.NORMAL


class Cell(_Block):
    text: str
    weight: int = Field(default=1, ge=1)
    align: Align = Align.LEFT


class Columns(_Block):
    """Cells sharing the line by weight (e.g. quantity × price … amount)."""

    type: Literal["columns"] = "columns"
    cells: list[Cell] = Field(min_length=1)
    bold: bool = False


class Rule(_Block):
    type: Literal["rule"] = "rule"
    char: str = Field(default="-", min_length=1, max_length=1)


class QrCode(_Block):
    type: Literal["qr"] = "qr"
    payload: str = Field(min_length=1, max_length=500)
    label: str = ""  # printed under the code, e.g. 扫码开发票 / Scan for fapiao
    size: int = Field(default=6, ge=1, le=16)


class Barcode(_Block):
    type: Literal["barcode"] = "barcode"
    code: str
    symbology: Literal["CODE128", "EAN13"] = "CODE128"


class Feed(_Block):
    type: Literal["feed"] = "feed"
    lines: int = Field(default=1, ge=1, le=10)


Block = Annotated[
    Text | Row | Columns | Rule | QrCode | Barcode | Feed, Field(discriminator="type")
]


class DocumentKind(StrEnum):
    RECEIPT = "receipt"
    RETURN_RECEIPT = "return_receipt"
    VOID_RECEIPT = "void_receipt"
    X_REPORT = "x_report"
    Z_REPORT = "z_report"
    PICKUP_SLIP = "pickup_slip"
    CASH_MOVEMENT = "cash_movement"
    NO_SALE = "no_sale"


class PrintDocument(BaseModel):
    """A whole document. `reprint` and `training` are marks the renderer prints prominently
    (重印/COPY, 练习/TRAINING) at the top and bottom; the paper is cut after it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: uuid.UUID
    kind: DocumentKind
    blocks: list[Block]
    reprint: bool = False  # printed 重印/COPY: never mistaken for the original
    training: bool = False

    def as_reprint(self) -> PrintDocument:
        return self.model_copy(update={"reprint": True})


def display_width(text: str) -> int:
    """Columns `text` takes on a receipt printer: wide (CJK, full-width) characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
