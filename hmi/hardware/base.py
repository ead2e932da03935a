"""The HardwareProfile interface: the only way the runtime reaches the line."""

from __future__ import annotations

from abc import ABC, abstractmethod

from hmi.core.process import Outputs, ProcessImage


class CommunicationError(IOError):
    """The link to the line failed (timeout, lost connection). The runtime turns it into bad
    quality and safe outputs; it never ends the loop."""


class HardwareProfile(ABC):
    """A line as the runtime sees it. Owned by the runtime thread alone.

    `read` returns every measured tag with a quality; `write` sends output tags. A driver
    reports a value it could not get as bad quality rather than raising where it can, and
    raises CommunicationError when the whole link is down.
    """

    name: str = "hardware"

    @abstractmethod
    def connect(self) -> None: ...

    @abstractmethod
    def disconnect(self) -> None: ...

    @property
    @abstractmethod
    def connected(self) -> bool: ...

    @abstractmethod
    def read(self, t_s: float) -> ProcessImage:
        """Read the process image at runtime clock time `t_s` (seconds)."""

    @abstractmethod
    def write(self, outputs: Outputs) -> None:
        """Send the controllers' outputs to the line."""

    def inject(self, kind: str, params: dict[str, object]) -> None:
        """Simulate a disturbance or fault. Real hardware cannot: it refuses."""
        raise NotImplementedError(f"{self.name}: this profile cannot simulate faults")

    def initial_setpoints(self) -> dict[str, float]:
        """Setpoints the line starts with (recipe defaults until the recipe issue lands)."""
        return {}
