"""Electrical energy of the line: drives, heaters, mixer; integrated to kWh and kWh/m².

Power (kW), evaluated every step:

* Drive: P_d = P_base + c·(F_1 + F_2 + F_lam)·v while the line moves (v > 0), with F_1 the
  nip-1 force (OS + DS, kN), F_2 = q_2·W_kept and F_lam = q_lam·W_kept the densification and
  lamination forces (line load kN/mm × mm), v the roll surface speed in m/s and c the rolling
  coefficient (lever arm / roll radius, default 0.02; defaults P_base 5 kW). Doubling the force
  doubles the rolling part.
* Heaters: nip-1 rolls P_r = max(0, UA_r·(T_roll − T_amb) + C_r·dT_roll/dt) + ṁ·c_p·(T_roll −
  T_mix)⁺/3600, lamination P_l = UA_l·(T_lam − T_amb) + ṁ·c_p·(T_lam − T_roll)⁺/3600, ṁ the film
  flow in kg/h (defaults UA_r 0.2 kW/K, C_r 2000 kJ/K, UA_l 0.1 kW/K, c_p 0.8 kJ/(kg·K)).
* Mixer: P_m = P_idle + k·H (mixer.MixerHeat).

Energy: E ← E + (P_d + P_r + P_l + P_m)·dt/3600 kWh. The line divides it by the electrode
area made (kept width × web length) for kWh/m².
"""

from __future__ import annotations

from hmi.plant.equipment import Equipment


class EnergyMeter:
    """Running power split and integrated energy."""

    __slots__ = (
        "energy_kwh",
        "production_kwh",
        "drive_power_kw",
        "heater_power_kw",
        "mixer_power_kw",
        "_base_kw",
        "_c_roll",
        "_f_downstream_kn",
        "_ua_r",
        "_c_r",
        "_cp",
        "_t_amb",
        "_t_lam",
        "_lam_loss_kw",
    )

    def __init__(self, eq: Equipment) -> None:
        self.energy_kwh = 0.0
        self.production_kwh = 0.0  # while the web moves (the kWh per m² counts only this)
        self.drive_power_kw = 0.0
        self.heater_power_kw = 0.0
        self.mixer_power_kw = 0.0
        self.retune(eq)

    def retune(self, eq: Equipment) -> None:
        """Take new equipment settings (a recipe's loads and temperatures); energy so far stays."""
        self._base_kw = eq.drive_base_power_kw
        self._c_roll = eq.drive_rolling_coeff
        kept_mm = eq.kept_width_m * 1000.0
        self._f_downstream_kn = (eq.densify_line_load_kn_mm + eq.laminate_line_load_kn_mm) * kept_mm
        self._ua_r = eq.roll_heat_loss_kw_k
        self._c_r = eq.roll_heat_capacity_kj_k
        self._cp = eq.powder_heat_capacity_kj_kg_k
        self._t_amb = eq.ambient_temperature_c
        self._t_lam = eq.laminate_temperature_c
        self._lam_loss_kw = eq.laminate_heat_loss_kw_k * (eq.laminate_temperature_c - self._t_amb)

    @property
    def power_kw(self) -> float:
        return self.drive_power_kw + self.heater_power_kw + self.mixer_power_kw

    def step(
        self,
        dt_s: float,
        speed_m_min: float,
        force_kn: float,
        roll_c: float,
        roll_rate_k_s: float,
        mix_c: float,
        film_kg_h: float,
        mixer_kw: float,
    ) -> None:
        """Evaluate the powers for this step and integrate them over `dt_s`."""
        if speed_m_min > 0.0:
            drive = self._base_kw + self._c_roll * (force_kn + self._f_downstream_kn) * (
                speed_m_min / 60.0
            )
        else:
            drive = 0.0
        roll = self._ua_r * (roll_c - self._t_amb) + self._c_r * roll_rate_k_s
        if roll < 0.0:
            roll = 0.0
        heat = roll + self._lam_loss_kw
        if film_kg_h > 0.0:
            k = film_kg_h * self._cp / 3600.0
            if roll_c > mix_c:
                heat += k * (roll_c - mix_c)
            if self._t_lam > roll_c:
                heat += k * (self._t_lam - roll_c)
        self.drive_power_kw = drive
        self.heater_power_kw = heat
        self.mixer_power_kw = mixer_kw
        step_kwh = (drive + heat + mixer_kw) * dt_s / 3600.0
        self.energy_kwh += step_kwh
        if speed_m_min > 0.0:  # making electrode; a standing line's heat is standby energy
            self.production_kwh += step_kwh
