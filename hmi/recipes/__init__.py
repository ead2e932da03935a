"""Recipe models, validation against equipment limits, versioned store (later issue)."""
