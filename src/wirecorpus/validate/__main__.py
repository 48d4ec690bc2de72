"""``python -m wirecorpus.validate``: regenerate the table of finding ids in CONTRIBUTING.md."""

from __future__ import annotations

import sys

from ..layout import find_root
from .registry import update_document

if __name__ == "__main__":
    path = find_root() / "CONTRIBUTING.md"
    changed = update_document(path)
    print(f"{path.name}: {'updated' if changed else 'up to date'}")
    sys.exit(0)
