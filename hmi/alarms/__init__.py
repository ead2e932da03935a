"""Alarm definitions, ISA-18.2 state machine and journal (later issue)."""
