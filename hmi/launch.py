"""The `hmi` command's entry point. `hmi --version` answers from here, before the product's
modules (numpy, pydantic, Qt) are imported: it works even where one of them cannot load, which
is when a support call needs the installed version most. Everything else is `hmi.app.main`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["--version"]:
        from hmi.core.about import version_text

        print(version_text())
        return 0
    from hmi.app import main as app_main

    return app_main(args)


if __name__ == "__main__":
    raise SystemExit(main())
