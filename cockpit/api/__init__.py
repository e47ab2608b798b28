"""The read-only JSON API under /api/v1/; every handler reads through the gate."""
