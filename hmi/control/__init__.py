"""Gap and feed controllers: pure step(inputs, dt) -> outputs. No I/O, no threads, no Qt."""

from collections.abc import Callable, Mapping

from hmi.control.base import ControlInputs, Controller, ControlResult
from hmi.control.line import LineController, LineControllerConfig

# Controllers selectable by name (`hmi --controller`, `hmi sim run --controller`).
CONTROLLERS: dict[str, Callable[[LineControllerConfig], Controller]] = {"pi": LineController}
DEFAULT_CONTROLLER = "pi"  # what the app and scenario runs use unless told otherwise


def make_controller(
    name: str, formulation: Mapping[str, float], gauge_distance_m: float
) -> Controller:
    """Build a controller by name from the line's formulation and geometry."""
    try:
        factory = CONTROLLERS[name]
    except KeyError:
        known = ", ".join(sorted(CONTROLLERS))
        raise ValueError(f"controller: no controller named {name!r} (known: {known})") from None
    return factory(
        LineControllerConfig(formulation=dict(formulation), gauge_distance_m=gauge_distance_m)
    )


__all__ = [
    "CONTROLLERS",
    "DEFAULT_CONTROLLER",
    "ControlInputs",
    "ControlResult",
    "Controller",
    "LineController",
    "LineControllerConfig",
    "make_controller",
]
