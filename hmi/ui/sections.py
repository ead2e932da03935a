"""The line's sections as panels, left to right: Feeders → Mixer → Nip 1 → Gauge.

Each panel is a set of tag-bound forms; captions, units and decimals come from the registry.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from hmi.core.tags import FEEDERS, TAGS, Tag, TagKind, tag
from hmi.runtime.snapshot import Snapshot
from hmi.ui.indicators import DeviationBar
from hmi.ui.screen import ScreenContext
from hmi.ui.widgets import Panel, TagForm, brief

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
        self.form.heading("Controller")
        self.form.add("gap_feedback_um", caption="Gap correction", source="correction")
        self.form.stretch()
        self.body.addWidget(self.form, 1)

    def update_from(self, snapshot: Snapshot | None) -> None:
        self.form.update_from(snapshot)


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
