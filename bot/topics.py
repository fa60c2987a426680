"""The topic keys: Rasa intent names and content keys at once (shared/brief/topics.md).

They are a stable interface used by tests, the counsellors' /send command and editors: add
new topics freely, never rename these. Tests check that domain/, data/nlu/ and locales/ agree.
"""

from __future__ import annotations

TOPIC_KEYS: tuple[str, ...] = (
    # Return
    "return_options",
    "return_eligibility",
    "return_apply",
    "return_documents",
    "return_travel",
    "reintegration_support",
    "return_medical",
    "return_family",
    "return_change_mind",
    "origin_country_info",
    "dtv_role",
    "forced_return",
    "entry_ban",
    "onward_migration",
    # Staying without papers
    "irregular_stay",
    "healthcare_access",
    "work_income",
    "housing_shelter",
    "detention",
    "police_check",
    "children_school",
    "exploitation_help",
    "residence_chances",
    # Help and rights
    "legal_aid",
    "mental_health",
    "emergency",
    "counsellor_request",
    # About the service
    "about_service",
    "privacy",
)

CONVERSATIONAL_INTENTS: tuple[str, ...] = (
    "greet",
    "goodbye",
    "thanks",
    "affirm",
    "deny",
    "change_language",
    "menu",
    "need_help",
    "bot_challenge",
    "out_of_scope",
)

# Replies of a few words in every language's training data ("yes", "thanks", "hello"): a long
# message taken for one of them is asked back (nlu/fallback.py, actions/clarify.py).
SHORT_REPLY_INTENTS: tuple[str, ...] = ("greet", "goodbye", "thanks", "affirm", "deny")

# Below this confidence a topic is noise, not a plausible reading of a message: the question back
# does not offer it (actions/clarify.py). At or above it, "emergency" is never passed over for
# another answer: the bot asks back and offers the emergency numbers first (nlu/fallback.py).
MIN_CHOICE_CONFIDENCE = 0.08

ALL_INTENTS: tuple[str, ...] = TOPIC_KEYS + CONVERSATIONAL_INTENTS
