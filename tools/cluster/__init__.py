"""`make cluster`: the assistant as several instances on Rasa's distributed setup (PostgreSQL,
Redis, nginx), on this machine; the tested twin of deploy/ (README, "Scaling out")."""
