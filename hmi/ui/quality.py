"""The Quality screen: one navigation entry, three pages chosen by touch buttons — the CD × MD
map with capability (quality_map.py), the rolls (rolls.py) and the headline figures
(kpis.py). It exists when the window has a quality service (ScreenContext.quality)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from hmi.runtime.snapshot import Snapshot
from hmi.ui.kpis import KpiPage
from hmi.ui.quality_map import QualityMapPage
from hmi.ui.rolls import RollsPage
from hmi.ui.screen import Screen, ScreenContext

PAGES = ("CD × MD map", "Rolls", "Headline figures")


class QualityScreen(Screen):
    needs_quality = True

    def __init__(self, context: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        quality = context.quality
        assert quality is not None  # the window builds this screen only with one
        self.quality = quality
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(6)
        row = QHBoxLayout()
        row.setSpacing(10)
        title = QLabel("QUALITY")
        title.setObjectName("panelTitle")
        row.addWidget(title)
        row.addStretch(1)
        self.page_buttons: dict[str, QPushButton] = {}
        group = QButtonGroup(self)
        for name in PAGES:
            button = QPushButton(name)
            button.setObjectName("navButton")
            button.setCheckable(True)
            button.setMinimumHeight(52)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _checked=False, n=name: self.show_page(n))
            group.addButton(button)
            row.addWidget(button)
            self.page_buttons[name] = button
        layout.addLayout(row)
        self.stack = QStackedWidget()
        self.map_page = QualityMapPage()
        reports = Path(quality.reports_dir) if quality.reports_dir else Path.home()
        self.rolls_page = RollsPage(quality, context.notify, reports)
        self.kpi_page = KpiPage()
        self.pages: dict[str, QWidget] = dict(zip(PAGES, (self.map_page, self.rolls_page,
                                                          self.kpi_page), strict=True))  # fmt: skip
        for page in self.pages.values():
            self.stack.addWidget(page)
        layout.addWidget(self.stack, 1)
        self.show_page(PAGES[0])

    def show_page(self, name: str) -> None:
        self.page_buttons[name].setChecked(True)
        self.stack.setCurrentWidget(self.pages[name])
        self.map_page.drawn_scans = -1  # redraw on the next refresh
        self.update_from(None)

    def current_page(self) -> str:
        page = self.stack.currentWidget()
        return next(n for n, p in self.pages.items() if p is page)

    def update_from(self, snapshot: Snapshot | None) -> None:
        page = self.stack.currentWidget()
        if page is self.rolls_page:
            self.rolls_page.refresh()
        elif page is self.kpi_page:
            self.kpi_page.show_view(self.quality.view())
        else:
            self.map_page.show_view(self.quality.view())
