"""Custom actions of the spine FAQ assistant (run by `rasa run actions`)."""
