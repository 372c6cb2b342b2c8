"""Storage extensions for Rasa: the conversation (tracker) store."""
