"""Nip 1 relations: gaugemeter, compaction law, no-contact branch, intake and bank factor."""

from __future__ import annotations

import math

import pytest

from hmi.plant import LFP, MATERIALS, Equipment, Material
from hmi.plant.nip import NipSide, intake_areal_mass_mg_cm2, intake_factor
from hmi.plant.units import film_areal_mass_mg_cm2, film_flow_kg_h

EQ = Equipment()


def _eps(material: Material, q_kn_mm: float) -> float:
    return material.eps_min + (material.eps0 - material.eps_min) * math.exp(
        -q_kn_mm / material.gamma_kn_mm
    )


@pytest.mark.parametrize("material", list(MATERIALS.values()), ids=list(MATERIALS))
@pytest.mark.parametrize("areal_mass", [5.0, 16.0, 30.0, 45.0, 80.0])
@pytest.mark.parametrize("gap_um", [0.0, 40.0, 80.0, 150.0])
def test_solved_force_satisfies_gaugemeter_and_compaction_law(
    material: Material, areal_mass: float, gap_um: float
) -> None:
    side = NipSide(material, EQ.side_width_mm, EQ.mill_modulus_kn_um)
    force = side.solve(areal_mass, gap_um)
    assert force >= 0.0
    rho = material.true_density_g_cm3
    if force == 0.0:  # no contact: film at ε0, thinner than the gap
        assert areal_mass <= rho * (1 - material.eps0) * gap_um * 0.1 * (1 + 1e-12)
        assert side.thickness_um == pytest.approx(areal_mass / (rho * (1 - material.eps0) * 0.1))
        return
    h = gap_um + force / EQ.mill_modulus_kn_um  # gaugemeter
    assert side.thickness_um == pytest.approx(h, rel=1e-6)
    q = force / (EQ.width_mm / 2)
    assert side.porosity == pytest.approx(_eps(material, q), rel=1e-6)
    assert rho * (1 - _eps(material, q)) * h * 0.1 == pytest.approx(areal_mass, rel=1e-6)


def test_no_contact_below_gap_and_contact_above() -> None:
    side = NipSide(LFP, 500.0, 2.5)
    full = LFP.true_density_g_cm3 * (1 - LFP.eps0) * 80.0 * 0.1  # 12.96 mg/cm² fills 80 µm at ε0
    assert side.solve(0.99 * full, 80.0) == 0.0
    assert side.thickness_um < 80.0
    assert side.solve(1.01 * full, 80.0) > 0.0
    assert side.thickness_um > 80.0


def test_force_rises_with_areal_mass_and_warm_start_converges_fast() -> None:
    side = NipSide(LFP, 500.0, 2.5)
    forces = [side.solve(m, 80.0) for m in (20.0, 25.0, 30.0, 35.0)]
    assert forces == sorted(forces)
    side.solve(30.0, 80.0)
    side.solve(30.01, 80.0)
    assert side.iterations <= 3


def test_lfp_calibration_30_mg_cm2_at_80_um_with_nominal_bank() -> None:
    phi = intake_factor(EQ.bank_nominal_kg, EQ.bank_intake_scale_kg)
    assert phi == pytest.approx(0.95, abs=0.002)
    assert EQ.bank_nominal_kg == pytest.approx(3 * EQ.bank_intake_scale_kg)
    assert intake_areal_mass_mg_cm2(LFP, 80.0, phi) == pytest.approx(30.0, rel=0.005)


def test_intake_relation_and_bank_factor() -> None:
    # m0 = c · ρ_bulk · S · 0.1 at a full bank; φ(B) = 1 − exp(−B/B_c)
    assert intake_areal_mass_mg_cm2(LFP, 100.0, 1.0) == pytest.approx(
        LFP.intake_coefficient * LFP.bulk_density_g_cm3 * 100.0 * 0.1
    )
    assert intake_factor(0.0, 1.0) == 0.0
    assert intake_factor(-1.0, 1.0) == 0.0
    assert intake_factor(1.0, 1.0) == pytest.approx(1 - math.exp(-1))
    assert intake_factor(50.0, 1.0) == pytest.approx(1.0)
    assert intake_areal_mass_mg_cm2(LFP, -5.0, 1.0) == 0.0


def test_film_flow_units() -> None:
    # 30 mg/cm² = 0.3 kg/m²; 1 m × 20 m/min = 1200 m²/h → 360 kg/h
    assert film_flow_kg_h(30.0, 1.0, 20.0) == pytest.approx(360.0)
    assert film_areal_mass_mg_cm2(360.0, 1.0, 20.0) == pytest.approx(30.0)
    assert film_areal_mass_mg_cm2(360.0, 1.0, 0.0) == 0.0


def test_material_validation_and_fractions() -> None:
    assert sum(LFP.fractions.values()) == pytest.approx(1.0)
    assert set(LFP.fractions) == {"active", "carbon", "binder"}
    assert LFP.porosity(0.0) == pytest.approx(LFP.eps0)
    assert LFP.porosity(1e9) == pytest.approx(LFP.eps_min)
    with pytest.raises(ValueError):
        Material("bad", 3.6, 0.2, 0.3, 0.1, 1.0, 0.9, 0.05, 0.05, 4.0)
    with pytest.raises(ValueError):
        Material("bad", 3.6, 0.5, 0.3, 0.1, 1.0, 0.9, 0.05, 0.1, 4.0)
