"""Trends: pens from the tag registry on clock time, live or from the historian.

Live, the newest ten minutes come from the runtime's ring buffer (no disk read per frame);
a longer live range adds the historian's older part, re-read in the background. History
mode holds a range the engineer picked (preset, custom, drag, zoom) and reads it once in the
background. Markers (alarms raised, recipe loads, setpoint changes) come with each read.
"""

from __future__ import annotations

import math
import time

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from hmi.runtime.snapshot import Snapshot
from hmi.runtime.trend_history import Marker, TrendHistory
from hmi.runtime.trend_range import PRESETS_S, TimeRange, check_pens, live_series
from hmi.ui.background import Background
from hmi.ui.chart import TrendChart
from hmi.ui.pen_picker import PenPickerDialog
from hmi.ui.range_picker import RangePickerDialog
from hmi.ui.screen import Screen, ScreenContext
from hmi.ui.trend_export import TrendExport
from hmi.ui.trend_readout import TrendReadout

DEFAULT_PENS = (
    "areal_mass_mg_cm2",
    "areal_mass_target_mg_cm2",
    "gap_os_um",
    "gap_ds_um",
    "bank_mass_kg",
    "roll_force_os_kn",
    "roll_force_ds_kn",
)
TARGET, ACTUAL, TOLERANCE = (
    "areal_mass_target_mg_cm2",
    "areal_mass_mg_cm2",
    "areal_mass_tolerance_pct",
)
LIVE_HISTORY_EVERY_S = 2.0  # a long live range re-reads its older part this often at most
DRAG_SETTLE_S = 0.15  # a drag re-reads once the finger pauses
LIVE_STEPS = 20  # the live time axis moves by 1/20 of the span at a time


def _button(row: QHBoxLayout, text: str, handler, *, checkable: bool = False) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName("navButton")
    button.setMinimumHeight(48)
    button.setCheckable(checkable)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a focus ring would look selected
    button.clicked.connect(lambda _checked=False: handler())
    row.addWidget(button)
    return button


class TrendsScreen(Screen):
    def __init__(self, context: ScreenContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.history: TrendHistory | None = context.history
        recorded = self.history.tags if self.history is not None else context.trend.tags
        self.recorded = tuple(recorded)
        self.pens = tuple(p for p in DEFAULT_PENS if p in self.recorded)
        self.live = True  # False: a held range (paused, picked, dragged)
        self.span = TimeRange.last(PRESETS_S[0][1], time.time())
        self.series: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.markers: list[Marker] = []
        self.redraw_count = 0
        self._snapshot: Snapshot | None = None
        self._older: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # live: the historian's part
        self._older_read_at = -math.inf
        self._drawn_end = -math.inf
        self._band_key: tuple = ()  # (view, target data covers its start) as last banded
        self._dirty = True
        self.reader = Background(self)
        # A drag or a run of taps on ◀ ▶ + − reads the historian once the finger pauses.
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(int(DRAG_SETTLE_S * 1000))
        self._settle.timeout.connect(self._read_history)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 6)
        layout.setSpacing(4)
        layout.addLayout(self._top_row())
        layout.addLayout(self._range_row())
        self.chart = TrendChart()
        self.chart.range_dragged.connect(self._dragged)
        self.chart.cursor_moved.connect(lambda _t: self._show_cursor())
        self.chart.marker_tapped.connect(self._marker_tapped)
        self.export = (
            TrendExport(self.history, self.chart, self.csv_button, context.notify, self)
            if self.history is not None
            else None
        )
        layout.addWidget(self.chart, 1)
        self.readout = TrendReadout()
        layout.addWidget(self.readout)
        self._set_pens(self.pens)
        self._sync_buttons()

    # ----- construction -----
    def _top_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(8)
        title = QLabel("TRENDS")
        title.setObjectName("panelTitle")
        row.addWidget(title)
        self.pens_button = _button(row, "Pens…", self.pick_pens)
        self.live_button = _button(row, "Live", self.go_live, checkable=True)
        self.pause_button = _button(row, "Pause", self.toggle_pause, checkable=True)
        self.state_label = QLabel()
        self.state_label.setObjectName("legend")
        row.addWidget(self.state_label, 1)
        self.csv_button = _button(row, "Export CSV", self.export_csv)
        self.png_button = _button(row, "Save PNG", self.export_png)
        self.csv_button.setEnabled(self.history is not None)
        self.png_button.setEnabled(self.history is not None)
        return row

    def _range_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(6)
        self.preset_buttons: dict[float, QPushButton] = {}
        for text, seconds in PRESETS_S:
            button = _button(row, text, lambda s=seconds: self.set_window(s), checkable=True)
            self.preset_buttons[seconds] = button  # checked only while live at that span
        self.custom_button = _button(row, "Custom…", self.pick_range)
        row.addStretch(1)
        _button(row, "◀", lambda: self.pan(-0.5))
        _button(row, "−", lambda: self.zoom(2.0))
        _button(row, "+", lambda: self.zoom(0.5))
        _button(row, "▶", lambda: self.pan(0.5))
        return row

    # ----- what the engineer does -----
    def set_window(self, seconds: float) -> None:
        """A preset: the last `seconds`, live (a paused trend resumes: "the last hour")."""
        self.span = TimeRange.last(float(seconds), self._now())
        self.live = True
        self._changed()

    @property
    def paused(self) -> bool:
        """Held where it is: the opposite of live (Resume follows the clock again)."""
        return not self.live

    @property
    def window_s(self) -> float:
        return self.span.span_s

    def go_live(self) -> None:
        self.live = True
        self.span = self.span.ending_at(self._now())
        self._changed()

    def toggle_pause(self) -> None:
        """Pause freezes the range where it is (history mode); resume follows the clock."""
        if self.live:
            self.live = False
        else:
            self.go_live()
            return
        self._changed()

    def pan(self, fraction: float) -> None:
        span = self.span.pan(fraction)
        if span.end > self._now():
            span = span.ending_at(self._now())
        self._hold(span)

    def zoom(self, factor: float) -> None:
        centre = self.chart.cursor_time if self.chart.cursor_time is not None else None
        span = self.span.zoom(factor, centre)
        if self.live:
            span = span.ending_at(self._now())  # live zoom keeps "now" at the right edge
            self.span = span
            self._changed()
        else:
            self._hold(span)

    def set_range(self, span: TimeRange) -> None:
        """A fixed range (history mode)."""
        self._hold(span)

    def set_pens(self, pens) -> None:
        self._set_pens(check_pens(pens, self.recorded))
        self._changed()

    def pick_pens(self) -> PenPickerDialog:
        history = self.history
        dialog = PenPickerDialog(
            self.recorded,
            self.pens,
            history.pen_sets if history is not None else None,
            self.context.service.session.user,
            self.window(),
        )
        dialog.accepted.connect(lambda: self.set_pens(dialog.chosen))
        dialog.open()
        return dialog

    def pick_range(self) -> RangePickerDialog:
        dialog = RangePickerDialog(self.span, self._now(), self.window())
        dialog.accepted.connect(lambda: self.set_range(dialog.chosen))
        dialog.open()
        return dialog

    def export_csv(self) -> None:
        if self.export is not None:
            self.export.csv(self.pens)

    def export_png(self) -> str:
        return self.export.png() if self.export is not None else ""

    @property
    def last_export(self) -> str:
        """The CSV file last written ("" before the first)."""
        return self.export.last_csv if self.export is not None else ""

    # ----- internals -----
    def _now(self) -> float:
        return self._snapshot.wall_time if self._snapshot is not None else time.time()

    def _set_pens(self, pens: tuple[str, ...]) -> None:
        self.pens = pens
        self.chart.set_pens(pens)
        self.readout.set_pens(pens)
        self._older = {}
        self._older_read_at = -math.inf

    def _hold(self, span: TimeRange) -> None:
        self.live = False
        self.span = span
        self._changed()

    def _dragged(self, span: TimeRange) -> None:
        self.live = False
        self.span = span
        self._sync_buttons()
        self._settle.start()

    def _changed(self) -> None:
        self._dirty = True
        self._older_read_at = -math.inf
        self.chart.set_range(self.view_span())
        self._sync_buttons()
        if not self.live:
            self._settle.start()
        else:
            self.redraw()

    def _sync_buttons(self) -> None:
        self.live_button.setChecked(self.live)
        self.pause_button.setChecked(self.paused)
        self.pause_button.setText("Resume" if self.paused else "Pause")
        for seconds, button in self.preset_buttons.items():
            button.setChecked(self.live and abs(self.span.span_s - seconds) < 1.0)
        mode = "LIVE" if self.live else "HISTORY"
        span = self.span
        self.state_label.setText(f"{mode}  {_when(span.start)} – {_when(span.end)}")

    def _read_history(self) -> None:
        """History mode: read the held range in the background; drop an overtaken read."""
        if self.history is None:
            self.redraw()
        else:
            self._read()

    def _read(self) -> None:
        """Series and markers of the current range, on the reader thread."""
        history = self.history
        pens, span, width = self._query_pens(), self.span, self.chart.plot_width_px()
        self.reader.run(
            lambda: (history.series(pens, span, width), history.markers(span)),
            self._history_read,
            self._read_failed,
        )

    def _query_pens(self) -> tuple[str, ...]:
        extra = (TARGET,) if ACTUAL in self.pens and TARGET not in self.pens else ()
        return tuple(p for p in self.pens + extra if p in self.recorded)

    def _history_read(self, result) -> None:
        series, markers = result
        if self.live:
            self._older = series
        else:
            self.series = series
        self.markers = markers
        self.chart.set_markers(markers)
        self._draw()

    def _read_failed(self, error: BaseException) -> None:
        self.context.notify(f"Trend history not read: {error}", True)

    def _marker_tapped(self, marker: Marker) -> None:
        self.readout.show_marker(marker)

    def _show_cursor(self) -> None:
        self.readout.show_values(self.chart.cursor_time, self.series)

    # ----- refresh -----
    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt override)
        self._dirty = True
        super().showEvent(event)

    def update_from(self, snapshot: Snapshot | None) -> None:
        if snapshot is None:
            return
        self._snapshot = snapshot
        if not self.live:
            return
        pixel_s = self.span.span_s / self.chart.plot_width_px()
        if not self._dirty and snapshot.wall_time - self._drawn_end < pixel_s:
            return  # less than a pixel of time has passed: nothing would move
        self._dirty = False
        self.span = self.span.ending_at(snapshot.wall_time)
        self.redraw()

    def redraw(self) -> None:
        """Live: the ring's newest part, the historian's older part when the range is longer."""
        if not self.live:
            self._draw()
            return
        self.redraw_count += 1
        snapshot = self._snapshot
        offset = snapshot.wall_time - snapshot.t_s if snapshot is not None else 0.0
        ring_tags = [p for p in self._query_pens() if p in self.context.trend.tags]
        t, columns = self.context.trend.window(self.span.span_s, ring_tags)
        width = self.chart.plot_width_px()
        series, needs_older = live_series(
            self._query_pens(), t + offset, columns, self._older, self.span, width
        )
        needs_older = needs_older and self.history is not None
        self.series = series
        self._drawn_end = self.span.end
        if needs_older and self.span.end - self._older_read_at >= LIVE_HISTORY_EVERY_S:
            self._older_read_at = self.span.end
            if not self.reader.busy:  # live: the older part, unless a read is still out
                self._read()
        self._draw()

    def view_span(self) -> TimeRange:
        """What the chart shows. Live, the time axis moves in steps of a twentieth of the span
        (the newest data runs into the room ahead, then the axis jumps): moving it every frame
        made pyqtgraph redo the axes, the grid and the linked views each frame, all Python
        holding the GIL (make bench: p99 7 -> 13 ms, Trends animating, 1 min)."""
        if not self.live:
            return self.span
        step = self.span.span_s / LIVE_STEPS
        end = math.ceil(self.span.end / step) * step
        return TimeRange(end - self.span.span_s, end)

    def _draw(self) -> None:
        view = self.view_span()
        moved = view != self.chart.time_range
        if moved:
            self.chart.set_range(view, fit=False)
        self.chart.set_series(self.series, fit=False)
        # live, the band is redrawn when the axis steps (it reaches the axis' end until the
        # next step), and when the target's data first covers the view: back from history,
        # the first frame still draws the history's series
        target_t = self.series.get(TARGET, ((),))[0]
        key = (view, bool(len(target_t)) and target_t[0] <= view.start)
        if key != self._band_key or not self.live:
            self._band_key = key
            self._draw_band(view.end)
        self.chart.fit_y()  # once, to the series, the band and the view together
        if self.chart.cursor_time is not None:
            self._show_cursor()

    def _draw_band(self, until: float) -> None:
        """Target ± the line's tolerance behind the areal-mass pen (the off-spec limits),
        the last target held to `until`."""
        if ACTUAL not in self.pens or TARGET not in self.series:
            return
        t, target = self.series[TARGET]
        if len(t) and t[-1] < until:
            t, target = np.append(t, until), np.append(target, target[-1])
        tolerance = self._snapshot.value(TOLERANCE) if self._snapshot is not None else math.nan
        if not math.isfinite(tolerance):
            return
        self.chart.set_band(
            ACTUAL, target * (1 - tolerance / 100), target * (1 + tolerance / 100), t, fit=False
        )


def _when(wall_time: float) -> str:
    return time.strftime("%d %b %H:%M:%S", time.localtime(wall_time))
