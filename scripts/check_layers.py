#!/usr/bin/env python3
"""Fails when a layer under src/ includes a header of a layer it must not use.

The table is docs/ARCHITECTURE.md's: dependencies point downward only, and
CMake's links make most wrong-way includes fail to link; this catches the
ones that would compile anyway (a header-only use, or a layer that happens
to link the other through a third). Run by the test suite (ctest
lint.layers) and by hand: `python3 scripts/check_layers.py`.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"

# layer -> the layers it may include (itself always).
ALLOWED = {
    "core": set(),
    "mqtt": {"core"},
    "net": {"core"},
    "store": {"core"},
    "registry": {"store", "core"},
    "broker": {"mqtt", "net", "store", "core"},
    "thing": {"broker", "registry", "store", "mqtt", "core"},
    "rules": {"broker", "registry", "store", "mqtt", "core"},
    "ota": {"broker", "registry", "store", "mqtt", "core"},
    "api": {"thing", "rules", "ota", "registry", "store", "core"},
    "app": None,  # everything
}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/')


def main() -> int:
    problems = []
    layers = sorted(p.name for p in SRC.iterdir() if p.is_dir())
    for layer in layers:
        if layer not in ALLOWED:
            problems.append(f"src/{layer}/: a layer not in the table (scripts/check_layers.py, docs/ARCHITECTURE.md)")
            continue
        allowed = ALLOWED[layer]
        if allowed is None:
            continue
        for f in sorted((SRC / layer).rglob("*")):
            if f.suffix not in (".hpp", ".cpp", ".h"):
                continue
            for n, line in enumerate(f.read_text(errors="replace").splitlines(), 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                used = m.group(1)
                if used == layer or used not in ALLOWED:
                    continue
                if used not in allowed:
                    problems.append(f"{f.relative_to(ROOT)}:{n}: {layer}/ may not include {used}/ ({line.strip()})")
    for p in problems:
        print(p)
    print(f"layers: {len(layers)} checked, {len(problems)} wrong-way include(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
