"""Nip 1, the powder-fed calender nip: intake from the bank and compaction, per side.

Intake (per side, S_eff ≥ 0 the effective unloaded gap):

    m_f = c_intake · ρ_bulk · S_eff · 0.1 · φ(B)        [mg/cm² = g/cm³ × µm × 0.1]
    φ(B) = 1 − exp(−B / B_c)                             (bank intake factor)

Compaction: the force F per side (kN) makes the gaugemeter relation and the compaction law
agree on the film:

    h = S_eff + F / M                                    (mill stretch, M in kN/µm per side)
    ε(q) = ε_min + (ε0 − ε_min) · exp(−q / γ),  q = F / w (line load, w = side width in mm)
    ρ_true · (1 − ε(q)) · h · 0.1 = m_f

Springback: the film leaving the nip relaxes elastically at unchanged areal mass,

    h_out = h · (1 + springback_frac)                    (material, default 3 %)

so its density per µm is d = ρ_true·(1 − ε)·0.1 / (1 + springback_frac).

Force limit: a force above the cylinder relief F_lim makes the actuator give way; the gap that
carries the same film at exactly F_lim is S = t / (1 − ε(F_lim/w)) − F_lim/M (`gap_for_force`).

The left side rises monotonically with F, so F is unique. No contact when
m_f ≤ ρ_true·(1 − ε0)·S_eff·0.1: then F = 0 and h = m_f / (ρ_true·(1 − ε0)·0.1).
The solve is a safeguarded Newton iteration, warm-started from the previous force, inside the
bracket F_lo = M·(t/(1−ε_min) − S), F_hi = M·(t/(1−ε0) − S), t = m_f/(0.1·ρ_true).
"""

from __future__ import annotations

from math import exp

from hmi.plant.materials import Material
from hmi.plant.units import MG_CM2_PER_G_CM3_UM

_REL_TOL = 1e-12
_MAX_ITER = 60


def intake_factor(bank_kg: float, scale_kg: float) -> float:
    """φ(B) = 1 − exp(−B/B_c): share of the full-bank intake drawn in; 0 for an empty bank."""
    return 1.0 - exp(-bank_kg / scale_kg) if bank_kg > 0.0 else 0.0


def intake_areal_mass_mg_cm2(material: Material, s_eff_um: float, phi: float) -> float:
    """m_f = c_intake · ρ_bulk · max(S_eff, 0) · 0.1 · φ in mg/cm²."""
    s = s_eff_um if s_eff_um > 0.0 else 0.0
    return material.intake_coefficient * material.bulk_density_g_cm3 * s * MG_CM2_PER_G_CM3_UM * phi


class NipSide:
    """Compaction state of one side (OS or DS) of nip 1.

    After `solve`: `force_kn` (F), `thickness_um` (h, film thickness in the nip),
    `thickness_out_um` (h·(1 + springback), the relaxed film), `density_per_um` (d, mg/cm² per
    µm of relaxed film), `porosity` (ε at q = F/w), `areal_mass_mg_cm2` (m_f), `s_eff_um`.
    """

    __slots__ = (
        "force_kn",
        "thickness_um",
        "thickness_out_um",
        "density_per_um",
        "springback_frac",
        "_sb1",
        "_rho01",
        "porosity",
        "areal_mass_mg_cm2",
        "s_eff_um",
        "iterations",
        "_rho",
        "_eps0",
        "_s_min",
        "_d_eps",
        "_inv_wg",
        "_inv_m",
        "_m",
        "_w_mm",
        "_gamma",
    )

    def __init__(self, material: Material, side_width_mm: float, modulus_kn_um: float) -> None:
        self._rho = material.true_density_g_cm3
        self._eps0 = material.eps0
        self._s_min = 1.0 - material.eps_min  # solid fraction at infinite load
        self._d_eps = material.eps0 - material.eps_min
        self._gamma = material.gamma_kn_mm
        self._w_mm = side_width_mm
        self._inv_wg = 1.0 / (side_width_mm * material.gamma_kn_mm)
        self._m = modulus_kn_um
        self._inv_m = 1.0 / modulus_kn_um
        self.force_kn = 0.0
        self.thickness_um = 0.0
        self.porosity = material.eps0
        self.areal_mass_mg_cm2 = 0.0
        self.s_eff_um = 0.0
        self.iterations = 0
        self.springback_frac = material.springback_frac
        self._sb1 = 1.0 + material.springback_frac
        self._rho01 = material.true_density_g_cm3 * MG_CM2_PER_G_CM3_UM
        self.thickness_out_um = 0.0
        self.density_per_um = self._rho01 * (1.0 - self._eps0) / self._sb1

    @property
    def gamma_kn_mm(self) -> float:
        return self._gamma

    def set_gamma(self, gamma_kn_mm: float) -> None:
        """Change the compaction resistance γ (a new powder lot)."""
        self._gamma = gamma_kn_mm
        self._inv_wg = 1.0 / (self._w_mm * gamma_kn_mm)

    def relieve(self, areal_mass_mg_cm2: float, s_eff_um: float, force_limit_kn: float) -> float:
        """The cylinder gives way until film m is carried at F_limit: re-solve at the opened
        gap and return the opening in µm (0 if the force is within the limit)."""
        opening = self.gap_for_force(areal_mass_mg_cm2, force_limit_kn) - s_eff_um
        if opening > 0.0:
            self.solve(areal_mass_mg_cm2, s_eff_um + opening)
            return opening
        return 0.0

    def gap_for_force(self, areal_mass_mg_cm2: float, force_kn: float) -> float:
        """S = t/(1 − ε(F/w)) − F/M: the unloaded gap at which film m is carried at force F."""
        t = areal_mass_mg_cm2 / self._rho01
        solid = self._s_min - self._d_eps * exp(-force_kn * self._inv_wg)
        return t / solid - force_kn * self._inv_m

    def line_load_kn_mm(self, force_kn: float) -> float:
        """q = F / w in kN/mm."""
        return force_kn / self._w_mm

    def porosity_at(self, force_kn: float) -> float:
        """ε(F/w) = ε_min + (ε0 − ε_min)·exp(−F/(w·γ))."""
        return 1.0 - self._s_min + self._d_eps * exp(-force_kn * self._inv_wg)

    def gaugemeter_um(self, force_kn: float, s_eff_um: float) -> float:
        """h = S_eff + F/M in µm."""
        return s_eff_um + force_kn * self._inv_m

    def compacted_areal_mass_mg_cm2(self, force_kn: float, s_eff_um: float) -> float:
        """ρ_true·(1 − ε(F/w))·(S_eff + F/M)·0.1: film mass the nip holds at force F."""
        h = s_eff_um + force_kn * self._inv_m
        return self._rho * (1.0 - self.porosity_at(force_kn)) * h * MG_CM2_PER_G_CM3_UM

    def solve(self, areal_mass_mg_cm2: float, s_eff_um: float) -> float:
        """Find F ≥ 0 for film `areal_mass_mg_cm2` at unloaded gap `s_eff_um`; return F in kN."""
        s_gap = s_eff_um if s_eff_um > 0.0 else 0.0
        m = areal_mass_mg_cm2 if areal_mass_mg_cm2 > 0.0 else 0.0
        self.areal_mass_mg_cm2 = m
        self.s_eff_um = s_gap
        t = m / self._rho01  # solid-equivalent thickness (1 − ε)·h, µm
        s0 = 1.0 - self._eps0
        if t <= s0 * s_gap:  # film thinner than the gap at ε0: no contact
            self.force_kn = 0.0
            self.thickness_um = h = t / s0
            self.thickness_out_um = h * self._sb1
            self.porosity = self._eps0
            self.density_per_um = self._rho01 * s0 / self._sb1
            self.iterations = 0
            return 0.0
        big_m = self._m
        inv_m = self._inv_m
        inv_wg = self._inv_wg
        d_eps = self._d_eps
        s_min = self._s_min
        lo = big_m * (t / s_min - s_gap)
        if lo < 0.0:
            lo = 0.0
        hi = big_m * (t / s0 - s_gap)
        f = self.force_kn
        if f < lo:
            f = lo
        elif f > hi:
            f = hi
        tol = _REL_TOL * t
        n = 0
        while True:  # at least once: e, solid and h below come from the last pass
            n += 1
            e = exp(-f * inv_wg)
            solid = s_min - d_eps * e
            h = s_gap + f * inv_m
            g = solid * h - t
            if -tol <= g <= tol:
                break
            if g > 0.0:
                hi = f
            else:
                lo = f
            f_new = f - g / (d_eps * e * inv_wg * h + solid * inv_m)
            if not lo < f_new < hi:
                f_new = 0.5 * (lo + hi)
            if f_new == f:
                break
            f = f_new
            if n >= _MAX_ITER:
                break
        self.iterations = n
        self.force_kn = f
        self.thickness_um = h
        self.thickness_out_um = h * self._sb1
        self.porosity = 1.0 - solid
        self.density_per_um = self._rho01 * solid / self._sb1
        return f
