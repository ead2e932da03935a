"""Gap and feed controllers: pure step(inputs, dt) -> outputs. No I/O, no threads, no Qt."""

from hmi.control.base import ControlInputs, Controller, ControlResult
from hmi.control.line import LineController, LineControllerConfig

__all__ = ["ControlInputs", "ControlResult", "Controller", "LineController", "LineControllerConfig"]
