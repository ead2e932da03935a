"""A roll's report for a quality engineer: CSV (every figure, one per row, then the map) and a
one-page PDF with the figures, the CD × MD map and the CD profile.

PDF by fpdf2 (pure Python, Qt-free): the same report from the app, a script or a test, with
no display. Text in DejaVu Sans when the system has it (µ, σ, ², ×), else the PDF core font
with σ written as "s".
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import numpy as np

from hmi.alarms import load_definitions
from hmi.core.files import open_private
from hmi.quality.colours import SPAN, map_rgb
from hmi.quality.rolls import RollMap, RollRecord

FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("C:/Windows/Fonts/DejaVuSans.ttf"),
)

# (label, field, unit, decimals): the figures in the order a quality engineer reads them
FIGURES: tuple[tuple[str, str, str, int], ...] = (
    ("Recipe", "recipe", "", 0),
    ("Recipe version", "recipe_version", "", 0),
    ("Start", "start_wall", "", 0),
    ("End", "end_wall", "", 0),
    ("Cut", "cut", "", 0),
    ("Length", "length_m", "m", 1),
    ("Area", "area_m2", "m²", 1),
    ("Electrode width (trim off)", "width_mm", "mm", 0),
    ("Target areal mass", "target_mg_cm2", "mg/cm²", 2),
    ("Tolerance", "tolerance_pct", "%", 2),
    ("Mean areal mass", "mean_mg_cm2", "mg/cm²", 3),
    ("Mean error", "mean_error_pct", "%", 3),
    ("MD 2σ (scan means)", "md_2sigma_mg_cm2", "mg/cm²", 4),
    ("CD 2σ (within scan)", "cd_2sigma_mg_cm2", "mg/cm²", 4),
    ("Overall 2σ", "overall_2sigma_mg_cm2", "mg/cm²", 4),
    ("Overall 2σ", "overall_2sigma_pct", "% of target", 3),
    ("Cp", "cp", "", 2),
    ("Cpk", "cpk", "", 2),
    ("Pp", "pp", "", 2),
    ("Ppk", "ppk", "", 2),
    ("Thickness mean", "thickness_mean_um", "µm", 2),
    ("Thickness 2σ", "thickness_2sigma_um", "µm", 2),
    ("Off-spec film", "offspec_m", "m", 2),
    ("Energy", "energy_kwh", "kWh", 2),
    ("Energy per m²", "energy_kwh_per_m2", "kWh/m²", 4),
    ("Powder fed", "powder_kg", "kg", 1),
    ("Trim recycled", "trim_recycled_kg", "kg", 1),
    ("Scans (CD profiles)", "scans", "", 0),
)


FOOTNOTE = (
    "Cp/Cpk: within-scan σ; Pp/Ppk: overall σ; limits ±tolerance around the target. "
    "2σ figures: population σ. Made by dry-electrode-hmi."
)


@cache
def _messages() -> dict[str, str]:
    return {d.name: d.message for d in load_definitions()}


def alarm_texts(names: Sequence[str]) -> list[str]:
    """What the operator saw for each alarm ("Feeder binder: bridging ..."), not its name."""
    return [_messages().get(name, name) for name in names]


def _when(epoch: float) -> str:
    if not math.isfinite(epoch) or epoch <= 0:
        return "—"
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def value_text(record: RollRecord, name: str, decimals: int) -> str:
    value = getattr(record, name)
    if name in ("start_wall", "end_wall"):
        return _when(value)
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    if isinstance(value, float):
        return f"{value:.{decimals}f}"
    return str(value)


def ranges_text(ranges: Sequence[tuple[float, float]], limit: int = 12) -> str:
    if not ranges:
        return "none"
    parts = [f"{a:.1f}–{b:.1f} m" for a, b in ranges[:limit]]
    more = len(ranges) - limit
    return ", ".join(parts) + (f" and {more} more" if more > 0 else "")


def write_csv(path: Path, roll_id: int, record: RollRecord, roll_map: RollMap) -> Path:
    """Every figure as `figure, value, unit`, then the map (metre, zone 1 … zone Z)."""
    path = Path(path)
    with open_private(path, newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["figure", "value", "unit"])
        out.writerow(["Roll id", roll_id, ""])
        out.writerow(["Roll number in run", record.number, ""])
        for label, name, unit, decimals in FIGURES:
            out.writerow([label, value_text(record, name, decimals), unit])
        out.writerow(
            [
                "Off-spec ranges (from the roll's start)",
                ranges_text(record.offspec_ranges_m, 10**6),
                "",
            ]
        )
        out.writerow(
            ["Alarms during the roll", "; ".join(alarm_texts(record.alarms)) or "none", ""]
        )
        grid = roll_map.as_array()
        if grid.size:
            out.writerow([])
            out.writerow(
                ["metre from roll start"] + [f"zone {j + 1} mg/cm²" for j in range(grid.shape[1])]
            )
            for pos, row in zip(roll_map.positions_m, grid, strict=True):
                out.writerow([f"{pos:.2f}"] + [f"{v:.4f}" for v in row])
    return path


def _font(pdf) -> bool:  # type: ignore[no-untyped-def]
    for candidate in FONT_CANDIDATES:
        if candidate.exists():
            pdf.add_font("DejaVu", "", str(candidate))
            bold = candidate.with_name("DejaVuSans-Bold.ttf")
            pdf.add_font("DejaVu", "B", str(bold if bold.exists() else candidate))
            pdf.set_font("DejaVu", size=9)
            return True
    pdf.set_font("Helvetica", size=9)
    return False


def write_pdf(
    path: Path, roll_id: int, record: RollRecord, roll_map: RollMap, line: str = ""
) -> Path:
    """One A4 page: the figures, the CD × MD map (colour scaled to the tolerance), the CD
    profile with its tolerance lines."""
    from fpdf import FPDF  # imported here: only a report needs it
    from PIL import Image

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    unicode_ok = _font(pdf)
    family = pdf.font_family

    def text(s: str) -> str:
        return s if unicode_ok else s.replace("σ", "s").replace("–", "-").replace("—", "-")

    pdf.set_font(family, "B", 14)
    pdf.cell(
        0,
        8,
        text(f"Roll report — roll {roll_id} ({record.recipe or 'no recipe'})"),
        new_x="LMARGIN",
        new_y="NEXT",
        align="L",
    )
    pdf.set_font(family, "", 8)
    pdf.cell(
        0,
        5,
        text(f"{line}  {_when(record.start_wall)} to {_when(record.end_wall)}".strip()),
        new_x="LMARGIN",
        new_y="NEXT",
        align="L",
    )
    pdf.ln(2)
    # figures in two columns
    top, left = pdf.get_y(), pdf.l_margin
    half = (pdf.w - pdf.l_margin - pdf.r_margin) / 2
    rows = [(label, value_text(record, name, d), unit) for label, name, unit, d in FIGURES]
    per_col = math.ceil(len(rows) / 2)
    for i, (label, value, unit) in enumerate(rows):
        col, row = divmod(i, per_col)
        pdf.set_xy(left + col * half, top + row * 4.6)
        pdf.set_font(family, "", 8.5)
        pdf.cell(half * 0.52, 4.6, text(label))
        pdf.set_font(family, "B", 8.5)
        pdf.cell(half * 0.28, 4.6, text(value), align="R")
        pdf.set_font(family, "", 8.5)
        pdf.cell(half * 0.20, 4.6, text(" " + unit))
    pdf.set_xy(left, top + per_col * 4.6 + 2)
    pdf.set_font(family, "", 8.5)
    pdf.multi_cell(
        0,
        4.4,
        text(f"Off-spec film (from the roll's start): {ranges_text(record.offspec_ranges_m)}"),
        new_x="LMARGIN",
        new_y="NEXT",
        align="L",
    )
    pdf.multi_cell(
        0,
        4.4,
        text(f"Alarms during the roll: {'; '.join(alarm_texts(record.alarms)) or 'none'}"),
        new_x="LMARGIN",
        new_y="NEXT",
        align="L",
    )
    pdf.ln(2)
    # the map: rows = metres down the page, zones across
    grid = roll_map.as_array()
    pdf.set_font(family, "B", 10)
    pdf.cell(0, 6, text("CD × MD map: areal mass, % from target"), new_x="LMARGIN", new_y="NEXT")
    map_top = pdf.get_y()
    map_w, map_h = 120.0, 95.0
    tol = record.tolerance_pct if record.tolerance_pct > 0 else 1.5
    if grid.size and record.target_mg_cm2 > 0:
        errors = (grid / record.target_mg_cm2 - 1.0) * 100.0
        rgb = map_rgb(errors, tol)
        image = Image.fromarray(rgb, "RGB").resize(
            (grid.shape[1] * 10, max(grid.shape[0], 1) * 2), Image.NEAREST
        )
        pdf.image(image, x=left + 12, y=map_top, w=map_w, h=map_h)
        pdf.set_font(family, "", 7)
        pdf.set_xy(left, map_top - 1)
        pdf.cell(11, 4, "0 m", align="R")
        pdf.set_xy(left, map_top + map_h - 3)
        pdf.cell(11, 4, f"{record.length_m:.0f} m", align="R")
        pdf.set_xy(left + 12, map_top + map_h + 0.5)
        pdf.cell(map_w / 2, 4, text("zone 1 (operator side)"))
        pdf.cell(map_w / 2, 4, text(f"zone {grid.shape[1]} (drive side)"), align="R")
        _legend(pdf, left + 12 + map_w + 6, map_top, tol, text)
    else:
        pdf.set_font(family, "", 9)
        pdf.cell(0, 6, "no CD profile was recorded for this roll", new_x="LMARGIN", new_y="NEXT")
    # the CD profile: mean of each zone over the roll, tolerance lines
    _profile(pdf, record, left + 12, map_top + map_h + 9, map_w, 38.0, text, family)
    pdf.set_xy(left, pdf.h - 12)
    pdf.set_font(family, "", 7)
    pdf.cell(0, 4, text(FOOTNOTE))
    pdf.output(str(path))
    return Path(path)


def _legend(pdf, x: float, y: float, tol: float, text) -> None:  # type: ignore[no-untyped-def]
    steps = 40
    h = 70.0
    values = np.linspace(SPAN * tol, -SPAN * tol, steps)
    rgb = map_rgb(values, tol)
    for i, colour in enumerate(rgb):
        pdf.set_fill_color(*(int(c) for c in colour))
        pdf.rect(x, y + i * h / steps, 6, h / steps + 0.05, style="F")
    pdf.set_font(pdf.font_family, "", 7)
    for label, v in (
        (f"+{tol:g} % (heavy)", tol),
        ("on target", 0.0),
        (f"−{tol:g} % (light)", -tol),
    ):
        yy = y + (SPAN * tol - v) / (2 * SPAN * tol) * h
        pdf.line(x + 6, yy, x + 8, yy)
        pdf.set_xy(x + 8.5, yy - 2)
        pdf.cell(30, 4, text(label))


def _profile(pdf, record: RollRecord, x: float, y: float, w: float, h: float, text, family) -> None:  # type: ignore[no-untyped-def]
    profile = [v for v in record.cd_profile_mg_cm2 if math.isfinite(v)]
    pdf.set_xy(x - 12, y - 5)
    pdf.set_font(family, "B", 10)
    pdf.cell(0, 5, text("CD profile: mean of each zone over the roll (mg/cm²)"))
    if not profile or record.target_mg_cm2 <= 0:
        return
    target, tol = record.target_mg_cm2, record.tolerance_pct
    lo, hi = target * (1 - 1.3 * tol / 100), target * (1 + 1.3 * tol / 100)
    lo, hi = min(lo, min(profile)), max(hi, max(profile))

    def yy(v: float) -> float:
        return y + h - (v - lo) / (hi - lo) * h

    pdf.set_draw_color(0, 0, 0)
    pdf.rect(x, y, w, h)
    pdf.set_font(family, "", 7)
    for v, dash in (
        (target * (1 + tol / 100), True),
        (target, False),
        (target * (1 - tol / 100), True),
    ):
        pdf.set_draw_color(120, 120, 120)
        if dash:
            pdf.set_dash_pattern(dash=1.2, gap=1.0)
        pdf.line(x, yy(v), x + w, yy(v))
        pdf.set_dash_pattern()
        pdf.set_xy(x + w + 1, yy(v) - 2)
        pdf.cell(20, 4, f"{v:.2f}")
    n = len(profile)
    pdf.set_draw_color(84, 39, 136)
    pdf.set_line_width(0.5)
    points = [(x + (j + 0.5) * w / n, yy(v)) for j, v in enumerate(profile)]
    for a, b in zip(points, points[1:], strict=False):
        pdf.line(*a, *b)
    pdf.set_line_width(0.2)
    pdf.set_draw_color(0, 0, 0)
