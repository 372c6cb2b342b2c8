"""Human handoff: tickets in a database, staff notified through an outbox, agent replies relayed to Rasa."""
