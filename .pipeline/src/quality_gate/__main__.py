"""`python -m quality_gate`: the local runner."""

from .cli import main

raise SystemExit(main())
