"""The line's sections as panels, left to right: Feeders → Mixer → Nip 1 → Gauge.

Each panel is a set of tag-bound forms; captions, units and decimals come from the registry.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from hmi.core.tags import FEEDERS, SIDES, TAGS, Tag, TagKind, tag
from hmi.runtime.snapshot import Snapshot
from hmi.ui.indicators import DeviationBar
from hmi.ui.screen import ScreenContext
from hmi.ui.widgets import Panel, Source, TagForm, ValueLabel, brief

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


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _group_title(name: str) -> str:
    """'Feeder mass flow, active material' -> 'Active material'."""
    return _cap(tag(name).description.split(",", 1)[-1].strip())


class FeedersPanel(Panel):
    def __init__(self) -> None:
        super().__init__("Feeders")
        self.form = TagForm()
        for feeder in FEEDERS:
            names = [f"feeder_{feeder}_{s}" for s in ("flow_kg_h", "sp_kg_h", "hopper_kg")]
            self.form.heading(_group_title(names[0]))
            for name in names:
                self.form.add(name, caption=_cap(brief(name).removeprefix("Feeder ")))
        self.form.stretch()
        self.body.addWidget(self.form, 1)

    def update_from(self, snapshot: Snapshot | None) -> None:
        self.form.update_from(snapshot)


class MixerPanel(Panel):
    def __init__(self) -> None:
        super().__init__("Mixer")
        self.form = TagForm(stacked=True)
        self.form.heading("Total feed")
        self.form.add("feed_total_sp_kg_h", caption="Setpoint")
        self.form.heading("Controller")
        self.form.add("feed_feedforward_kg_h", caption="Feedforward", source="correction")
        self.form.heading("Mix")
        self.form.add("mixer_temperature_c", caption="Temperature")
        self.form.heading("Energy")
        self.form.add("line_power_kw", caption="Line power")
        self.form.add("energy_wh_per_m2", caption="Per m² made")
        self.form.stretch()
        self.body.addWidget(self.form, 1)

    def update_from(self, snapshot: Snapshot | None) -> None:
        self.form.update_from(snapshot)


class NipPanel(Panel):
    def __init__(self, context: ScreenContext) -> None:
        super().__init__("Nip 1")
        self.form = TagForm(columns=2)
        self.form.column_titles("OS", "DS")
        for quantity in ("gap_{}_um", "gap_{}_sp_um", "gap_{}_ref_um", "roll_force_{}_kn"):
            os_name, ds_name = quantity.format("os"), quantity.format("ds")
            if os_name not in TAGS:
                continue
            caption = brief(os_name).removeprefix("Nip 1 ").removeprefix("Roll gap ")
            self.form.add(os_name, ds_name, caption=_cap(caption))
        self.form.heading("Roll and web")
        self.form.add("bank_mass_kg")
        self.form.add("line_speed_m_min", caption="Line speed")
        self.speed_setpoint = self.form.add_setpoint(
            "line_speed_sp_m_min", context.service.write_setpoint, context.notify
        )
        self.form.add("roll_temperature_c", caption="Roll temperature")
        self.controller = ControllerView()
        self.form.add_wide(self.controller)
        # its values are the form's too: found by name, refreshed with the rest
        self.form.bound.extend(self.controller.labels)
        self.form.stretch()
        self.body.addWidget(self.form, 1)

    def update_from(self, snapshot: Snapshot | None) -> None:
        self.form.update_from(snapshot)
        self.controller.update_from(snapshot)


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


class GaugePanel(Panel):
    def __init__(self, context: ScreenContext) -> None:
        super().__init__("Gauge")
        self.form = TagForm()
        self.form.heading("Areal mass")
        (self.areal_mass,) = self.form.add("areal_mass_mg_cm2", caption="Actual")
        self.target = self.form.add_setpoint(
            "areal_mass_target_mg_cm2", context.service.write_setpoint, context.notify, "Target"
        )
        (self.deviation,) = self.form.add(
            AREAL_MASS_DEVIATION.name, caption="Deviation", definition=AREAL_MASS_DEVIATION
        )
        self.deviation_bar = DeviationBar(DEVIATION_SPAN_PCT, DEFAULT_TOLERANCE_PCT)
        self._set_tolerance(DEFAULT_TOLERANCE_PCT)
        self.form.add_wide(self.deviation_bar)
        self.form.add("areal_mass_os_mg_cm2", caption="OS edge")
        self.form.add("areal_mass_ds_mg_cm2", caption="DS edge")
        self.form.heading("Film")
        self.form.add("thickness_um", caption="Thickness")
        self.form.add("web_width_mm", caption="Width")
        self.form.stretch()
        self.body.addWidget(self.form, 1)

    def _set_tolerance(self, tolerance_pct: float) -> None:
        self.deviation_bar.tolerance = tolerance_pct
        self.deviation_bar.setToolTip(
            f"Deviation from target, scale ±{DEVIATION_SPAN_PCT:g} %, "
            f"tolerance band ±{tolerance_pct:g} %"
        )
        self.deviation_bar.update()

    def update_from(self, snapshot: Snapshot | None) -> None:
        for widget in self.form.bound:
            if widget not in (self.areal_mass, self.deviation):
                widget.update_from(snapshot)
        if snapshot is None:
            self.areal_mass.update_from(None)
            self.deviation.show_value(math.nan)
            self.deviation_bar.set_value(math.nan)
            return
        name = self.areal_mass.name
        actual, target = snapshot.value(name), snapshot.value("areal_mass_target_mg_cm2")
        good = snapshot.is_good(name) and math.isfinite(actual)
        deviation = (actual - target) / target * 100.0 if good and target > 0 else math.nan
        tolerance = snapshot.value("areal_mass_tolerance_pct")
        if math.isfinite(tolerance) and tolerance != self.deviation_bar.tolerance:
            self._set_tolerance(tolerance)
        beyond = math.isfinite(deviation) and abs(deviation) > self.deviation_bar.tolerance
        self.areal_mass.show_value(actual, good=good, abnormal=beyond)
        self.deviation.show_value(deviation, abnormal=beyond)
        self.deviation_bar.set_value(deviation)
