"""Telegram handlers, one module per feature; ``register`` wires them all (in telegram_app)."""
