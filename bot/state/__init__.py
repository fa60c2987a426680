"""State behind small classes that take their Redis client; every key has a TTL."""
