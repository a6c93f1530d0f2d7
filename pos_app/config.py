"""Where the till keeps its files. Resolved when asked, never at import.

The data dir is the platform's user data dir (platformdirs), or `$OMNITILL_DATA_DIR`.
The till's devices get a TOML config file of their own (the hardware issue).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir

DATA_DIR_ENV = "OMNITILL_DATA_DIR"


@dataclass(frozen=True)
class TillPaths:
    data_dir: Path

    @classmethod
    def resolve(cls, data_dir: str | Path | None = None) -> TillPaths:
        chosen = data_dir or os.environ.get(DATA_DIR_ENV) or user_data_dir("omnitill", False)
        return cls(Path(chosen).expanduser())

    @property
    def database(self) -> Path:
        return self.data_dir / "till.db"
