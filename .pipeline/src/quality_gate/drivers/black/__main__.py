"""`python -P -m quality_gate.drivers.black <black's arguments>`: black, reusing unchanged files' answers."""

from __future__ import annotations

import black.concurrency

from . import memo


def main() -> None:
    """As `python -m black` does, with the workers' function answered from memory; old answers pruned after."""
    # The workers are given this function by name, so they import it even when they do not fork.
    vars(black.concurrency)["format_file_in_place"] = memo.format_file_in_place
    try:
        black.patched_main()
    finally:
        memo.state().prune()


if __name__ == "__main__":
    main()
