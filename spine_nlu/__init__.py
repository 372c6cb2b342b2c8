"""The project's NLU pieces: the spaCy pipeline builder and custom Rasa graph components."""
