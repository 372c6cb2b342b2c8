-- The two databases of the assistant: Rasa's tracker store and the handoff tickets.
CREATE DATABASE tracker;
CREATE DATABASE handoff;
