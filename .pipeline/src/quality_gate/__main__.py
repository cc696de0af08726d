"""`python -m quality_gate`: the local runner."""

from .cli.main import main

raise SystemExit(main())
