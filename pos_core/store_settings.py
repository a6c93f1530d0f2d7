"""A store's pulled settings, turned into the objects the domain works with."""

from __future__ import annotations

from pos_core.barcodes import DEFAULT_LAYOUTS, MeasureKind, VariableMeasureLayout
from pos_core.protocol.rows import StoreSettingsRow
from pos_core.scan import ScanConfig


def scan_config(settings: StoreSettingsRow) -> ScanConfig:
    """The scan router's configuration for this store: its member cards and 2x layouts."""
    layouts = tuple(
        VariableMeasureLayout(
            prefixes=frozenset(layout.prefixes),
            item_ref_digits=layout.item_ref_digits,
            kind=MeasureKind(layout.kind),
            value_digits=layout.value_digits,
            implied_decimals=layout.implied_decimals,
            value_check_digit=layout.value_check_digit,
        )
        for layout in settings.variable_measure_layouts
    )
    return ScanConfig(
        member_card_pattern=settings.member_card_pattern,
        variable_measure_layouts=layouts or DEFAULT_LAYOUTS,
    )
