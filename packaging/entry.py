"""The frozen program's entry point (PyInstaller runs this file, not the console script)."""

from hmi.launch import main

raise SystemExit(main())
