"""Rasa input/output channels of the assistant: the website widget (socket.io), Slack
and Telegram, each a subclass of Rasa's own channel with what a clinic needs added."""
