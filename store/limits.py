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

MAX_WORKER_MEMORY = 2 * 1024**3
"""Bytes of heap one query worker may allocate (RLIMIT_DATA); past it the query is stopped."""

MAX_QUERY_BYTES = 64 * 1024
"""Bytes (UTF-8) of one query's text."""

LONG_QUERY = 1.0
"""Seconds after which a running query counts as long. When a query waits for a worker and
every worker runs a long query, the most recently started one is stopped (503 with
Retry-After) to make room: long queries cannot hold every worker while others wait."""

QUEUE_WAIT = 5.0
"""Seconds a query waits for a free worker before it is answered 503 with Retry-After (long
enough for a killed worker's replacement to start on a loaded machine: 1 to 3 s)."""
