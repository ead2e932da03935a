"""Hardware profiles: the interface the runtime talks to, profile files, and their drivers."""

from hmi.hardware.base import CommunicationError, HardwareProfile
from hmi.hardware.config import ProfileConfig, ProfileError, build_profile, load_profile

__all__ = [
    "CommunicationError",
    "HardwareProfile",
    "ProfileConfig",
    "ProfileError",
    "build_profile",
    "load_profile",
]
