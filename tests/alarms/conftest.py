from tests.security.conftest import clock, people, security  # noqa: F401  (shared fixtures)
