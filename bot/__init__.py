"""Telegram gateway of the migrant information bot.

The gateway is the only part that talks to Telegram (or the console). It works out the user's
language, sends text to Rasa, renders Rasa's content keys from ``locales/`` and relays handoffs.
"""
