"""Plain data shared by every layer: roles, the tag registry, process images. No Qt, no I/O."""
