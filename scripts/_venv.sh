# Shared by scripts/demo and scripts/test: find Python 3.11+, create .venv, install the
# project with its test extra at the pinned versions in constraints.txt. Re-installs only
# when pyproject.toml or constraints.txt changed since the last install.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${OMNITILL_VENV:-$ROOT/.venv}"

find_python() {
    for candidate in "${PYTHON:-}" python3.11 python3.12 python3.13 python3; do
        [ -n "$candidate" ] || continue
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    echo "OmniTill needs Python 3.11 or newer; none was found on PATH (set PYTHON=/path/to/python3.11)." >&2
    return 1
}

ensure_venv() {
    local py stamp want
    py="$(find_python)"
    if [ ! -x "$VENV/bin/python" ]; then
        echo "==> creating virtualenv in $VENV"
        "$py" -m venv "$VENV"
    fi
    stamp="$VENV/.omnitill-installed"
    want="$(cat "$ROOT/pyproject.toml" "$ROOT/constraints.txt" | sha256sum | cut -d' ' -f1)"
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
        echo "==> installing OmniTill and its dependencies (pinned by constraints.txt)"
        "$VENV/bin/python" -m pip install --quiet --upgrade pip
        "$VENV/bin/python" -m pip install --quiet -c "$ROOT/constraints.txt" -e "$ROOT[test]"
        echo "$want" >"$stamp"
    fi
    export PATH="$VENV/bin:$PATH"
}

# A CJK font for the printer emulator's receipt previews and image-mode Chinese printing.
# Debian's fonts-wqy-microhei (small); installed where apt-get is usable, else the few tests
# that need it skip, saying so.
ensure_cjk_font() {
    [ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] && return 0
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        echo "==> installing a CJK font (fonts-wqy-microhei) for receipt previews"
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei; } \
            >/dev/null 2>&1 || echo "    could not install fonts-wqy-microhei; previews will show boxes" >&2
    fi
}
