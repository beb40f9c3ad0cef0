"""The engine's limits and their defaults: one home for every bound a query runs under."""

QUERY_TIMEOUT = 10.0
"""Seconds a query may run before its worker is killed."""

MAX_RESULT_BYTES = 16 * 1024 * 1024
"""Bytes one serialised result may take."""

CACHE_BYTES = 64 * 1024 * 1024
"""Bytes of results kept per data generation."""

WORKERS = 2
"""Query worker processes."""

IN_MEMORY_TRIPLES = 2_000_000
"""Snapshots up to this size are copied into each worker's memory (queries run ~4x faster)."""

POINTER_TTL = 1.0
"""Seconds a remote engine's current pointer is trusted before it is read again."""

LOAD_TIMEOUT = 600.0
"""Seconds a remote graph store may take to answer one graph upload."""
