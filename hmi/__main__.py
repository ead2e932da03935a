"""`python -m hmi` runs the same entry point as the `hmi` command."""

from hmi.app import main

raise SystemExit(main())
