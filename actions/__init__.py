"""Rasa custom actions (rasa-sdk): where the dialogue reaches Redis state.

Actions emit content keys (custom payloads), never sentences; the gateway renders them.
Run with ``python -m actions`` (see actions/server.py).
"""
