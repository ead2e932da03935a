"""The operator interface (PySide6 + pyqtgraph): main window, screens, widgets, theme.

Reads snapshots, sends commands through the services; no process logic. Import the window
from `hmi.ui.main_window` (this package imports nothing itself, so `hmi.ui.application` stays
importable without Qt until the GUI starts).
"""
