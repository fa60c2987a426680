"""The dialogue beside Rasa's rules: reading the conversation so far (history.py) and asking
back about a follow-up that the NLU, reading one message, takes for another topic
(follow_up.py)."""
