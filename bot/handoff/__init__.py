"""Handing a conversation to an IOM native counsellor and relaying messages both ways."""
