"""Process history on disk: the embedded SQLite store and the historian that samples into it.

Qt-free; imports only the standard library, numpy and `hmi.core`.
"""

from hmi.history.historian import Historian
from hmi.history.store import (
    DB_FILENAME,
    MIGRATIONS,
    StoreError,
    connect,
    database_path,
    migrate,
    open_store,
    schema_version,
)
from hmi.history.tiers import Retention

__all__ = [
    "DB_FILENAME",
    "MIGRATIONS",
    "Historian",
    "Retention",
    "StoreError",
    "connect",
    "database_path",
    "migrate",
    "open_store",
    "schema_version",
]
