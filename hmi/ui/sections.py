"""Display kinds built on registry tags (signed deviations, flags as words) and the gap
controller's view (its mode, holding, and every term of the gap setpoint per side)."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from hmi.core.tags import SIDES, Tag, TagKind, tag
from hmi.runtime.snapshot import Snapshot
from hmi.ui.widgets import Source, ValueLabel

# The deviation is computed here, not a tag; declared in the Tag shape so it formats like one.


@dataclass(frozen=True, slots=True)
class SignedTag(Tag):
    """A display quantity whose sign matters (deviations): always shows + or -."""

    def format(self, value: float) -> str:
        if value is None or not math.isfinite(value):
            return "----"
        text = f"{value:+.{self.decimals}f}"
        return text[1:] if float(text) == 0 else text  # no "-0.0"


AREAL_MASS_DEVIATION = SignedTag(
    "areal_mass_deviation_pct", "%", "Deviation from target", -100, 100, TagKind.OUTPUT
)
# Shown until the first snapshot brings the line's own tolerance (areal_mass_tolerance_pct).
DEFAULT_TOLERANCE_PCT = 1.5
DEVIATION_SPAN_PCT = 5.0


@dataclass(frozen=True, slots=True)
class FlagTag(Tag):
    """A 0/1 output shown as words: `on` for 1, `off` for 0."""

    on: str = "1"
    off: str = "0"

    def format(self, value: float) -> str:
        if value is None or not math.isfinite(value):
            return "----"
        return self.on if value >= 0.5 else self.off


def _copy(name: str, kind: type[Tag], **extra: str) -> Tag:
    """The registry's tag `name` as another display kind."""
    base = tag(name)
    return kind(**{f.name: getattr(base, f.name) for f in fields(Tag)}, **extra)


def _flag(name: str, on: str, off: str) -> FlagTag:
    return _copy(name, FlagTag, on=on, off=off)  # type: ignore[return-value]


CONTROLLER_MODE = _flag("controller_auto", "AUTO", "MANUAL")
CONTROLLER_HOLDING = _flag("controller_holding", "HOLDING", "")
# The gap setpoint's terms, per side (sp = feedforward + monitor + the compensations).
GAP_TERMS = (
    ("feedforward", "Set-up"),
    ("monitor", "Monit."),
    ("gaugemeter", "Gaugem."),
    ("tilt", "Tilt"),
    ("thermal", "Therm."),
    ("eccentricity", "Ecc."),
)


class ControllerView(QWidget):
    """The gap controller at a glance: its mode, whether it holds on a bad input, the gap
    correction, and every term of the gap setpoint per side (µm) in a compact table."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 4, 0, 0)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(2)
        self.labels: list[ValueLabel] = []
        title = QLabel("Controller")
        title.setObjectName("groupTitle")
        self.mode = self._value("controller_auto", CONTROLLER_MODE, "groupTitle")
        self.mode.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.holding = self._value("controller_holding", CONTROLLER_HOLDING, "statusLine")
        self.feedback = self._value("gap_feedback_um", None, "correction", source="correction")
        grid.addWidget(title, 0, 0)
        grid.addWidget(self.mode, 0, 1, 1, 2)
        grid.addWidget(self.holding, 0, 3, 1, 2)
        grid.addWidget(self._caption("Gap corr."), 0, 5, Qt.AlignmentFlag.AlignRight)
        grid.addWidget(self.feedback, 0, 6)
        for column, (_, heading) in enumerate(GAP_TERMS, start=1):
            head = QLabel(heading)
            head.setObjectName("columnTitle")
            head.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom)
            grid.addWidget(head, 1, column)
        grid.addWidget(self._caption("µm"), 1, 0)
        self.terms: dict[str, ValueLabel] = {}
        for row, side in enumerate(SIDES, start=2):
            grid.addWidget(self._caption(side.upper()), row, 0)
            for column, (term, _) in enumerate(GAP_TERMS, start=1):
                name = f"gap_{side}_{term}_um"
                shown = None if term == "feedforward" else _copy(name, SignedTag)
                self.terms[name] = label = self._value(name, shown, "correction", "correction")
                grid.addWidget(label, row, column)
        grid.setColumnStretch(0, 1)

    def _caption(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setObjectName("caption")
        return label

    def _value(
        self, name: str, definition: Tag | None, object_name: str, source: Source = "value"
    ) -> ValueLabel:
        label = ValueLabel(name, source=source, definition=definition)
        label.setObjectName(object_name)
        label.setMinimumWidth(0)
        self.labels.append(label)
        return label

    def update_from(self, snapshot: Snapshot | None) -> None:
        """Mode from the controller (the runtime's mode if the controller says nothing);
        holding in the deviation style."""
        if snapshot is not None and "controller_auto" not in snapshot.values:
            self.mode.show_value(1.0 if snapshot.mode == "auto" else 0.0)
        holding = snapshot.value("controller_holding") if snapshot is not None else math.nan
        self.holding.show_value(holding, abnormal=math.isfinite(holding) and holding >= 0.5)
