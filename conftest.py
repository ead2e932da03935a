"""Suite-wide set-up: Qt runs headless everywhere, before any test imports it."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
