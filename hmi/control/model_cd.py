"""The model controller's cross-direction steps: the gaugemeter wedge from the roll forces
each slow step, and the tilt from a believed scan's edges. A mixin of ModelController, whose
gap, config and cross-direction estimator (`cd`) they use."""

from __future__ import annotations

from hmi.control.crossdir import nip_stiffness
from hmi.control.supervise import good_value


class CrossDirectionSteps:
    def _wedge(self, v, q, dt: float, dx: float, act: bool, conditions: list[str]) -> None:
        """The gaugemeter: the nip's stiffness and the wedge from the roll forces."""
        c = self.config
        f_os = good_value(v, q, "roll_force_os_kn")
        f_ds = good_value(v, q, "roll_force_ds_kn")
        mean = self.gap.mean_ref_um
        if f_os is None or f_ds is None:
            conditions.append("force_bad")
        elif mean > 0.0:
            force = 0.5 * (f_os + f_ds)
            self.stiffness_kn_um = nip_stiffness(
                force, mean, c.mill_modulus_kn_um, c.powder_modulus_kn_um
            )
            self.cd.step(f_os, f_ds, mean, self.stiffness_kn_um, dt, dx, act)

    def _profile(self, v, q, reading: float, act: bool) -> None:
        """A believed scan's edges correct the wedge (tilt), unless held or mixed grades."""
        edge_os = good_value(v, q, "areal_mass_os_mg_cm2")
        edge_ds = good_value(v, q, "areal_mass_ds_mg_cm2")
        mean = self.gap.mean_ref_um
        if act and edge_os is not None and edge_ds is not None and mean > 0.0:
            self.cd.on_scan(edge_os, edge_ds, reading / mean)
