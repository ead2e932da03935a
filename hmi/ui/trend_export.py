"""The Trends screen's exports: the visible range as CSV (written on a worker thread: 8 h of
eight pens is tens of thousands of rows) and the chart as PNG, both to the history's export
folder, each answered in the status line."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QPushButton

from hmi.runtime.trend_history import TrendHistory
from hmi.runtime.trend_range import PenError
from hmi.ui.background import Background
from hmi.ui.chart import TrendChart
from hmi.ui.widgets import Notify


class TrendExport(QObject):
    def __init__(
        self,
        history: TrendHistory,
        chart: TrendChart,
        csv_button: QPushButton,
        notify: Notify,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.history = history
        self.chart = chart
        self.csv_button = csv_button
        self.notify = notify
        self.worker = Background(self, keep_all=True)
        self.last_csv = ""

    def csv(self, pens: Sequence[str]) -> None:
        """The visible range, every pen; the button waits until the file is written."""
        history, span = self.history, self.chart.time_range
        self.notify("Exporting the trend as CSV…", False)
        self.csv_button.setEnabled(False)
        self.worker.run(lambda: history.export_csv(pens, span), self._written, self._failed)

    def png(self) -> str:
        path = self.history.export_path(self.chart.time_range, ".png")
        if not self.chart.grab().save(str(path)):
            self.notify(f"Trend picture not saved: cannot write {path}", True)
            return ""
        self.notify(f"Trend picture saved: {path}", False)
        return str(path)

    def _written(self, path: object) -> None:
        self.csv_button.setEnabled(True)
        self.last_csv = str(path)
        self.notify(f"Trend exported: {path}", False)

    def _failed(self, error: BaseException) -> None:
        self.csv_button.setEnabled(True)
        text = str(error) if isinstance(error, PenError | OSError) else repr(error)
        self.notify(f"Trend export failed: {text}", True)
