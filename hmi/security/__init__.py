"""Users, roles, permissions and sessions. Every service checks permissions here, not the UI."""
