"""Custom Rasa NLU components: spelling normalisation and cross-lingual concept tokens.

Loaded by Rasa from config.yml (``nlu.tokenizer.ConceptTokenizer``); the module must be
importable from the working directory Rasa runs in (the repository root).
"""
