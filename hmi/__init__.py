"""Operator HMI for dry-electrode battery lines."""

__version__ = "0.1.0"
