"""`python -m benchmarks.sim_memory [--hours 1 24]`: peak memory of a scenario run by length.

Each length runs resources/scenarios/steady_state.toml stretched to that many simulated hours
in a fresh process (through hmi.sim.runner, as `hmi sim run` does) and reports the process's
peak resident set (ru_maxrss), the simulated speed and the statistics' retained samples.
Streaming statistics (issue 9, item 11) keep the peak flat; before, every 10 Hz sample was
kept (~17 MB per simulated hour). Prints a table, or JSON with --json.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STEADY = ROOT / "resources" / "scenarios" / "steady_state.toml"

CHILD = """
import json, resource, sys
from pathlib import Path
from hmi.sim.runner import run_scenario
from hmi.sim.scenario import parse_scenario
text = Path(sys.argv[1]).read_text().replace("duration_s = 1800", f"duration_s = {sys.argv[2]}")
result = run_scenario(parse_scenario(text, Path("steady.toml")))
print(json.dumps({
    "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "sim_speed_x_realtime": result["sim_speed_x_realtime"],
    "areal_mass_2sigma_pct": result["areal_mass_2sigma_pct"],
}))
"""


def measure(hours: float) -> dict[str, float]:
    seconds = round(hours * 3600)
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(STEADY), str(seconds)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout
    return {"hours": hours, **json.loads(out.strip().splitlines()[-1])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, nargs="*", default=[1.0, 24.0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = [measure(h) for h in args.hours]
    if args.json:
        print(json.dumps(results, indent=1))
        return
    print("hours | peak RSS MB | sim speed x | MD 2σ %")
    for r in results:
        print(
            f"{r['hours']:5g} | {r['maxrss_mb']:11.1f} | {r['sim_speed_x_realtime']:11.1f} | "
            f"{r['areal_mass_2sigma_pct']}"
        )


if __name__ == "__main__":
    main()
