"""The staff inbox: a web app where clinic staff read, claim, answer and close handoff tickets
(`python -m tools.inbox serve`, started by `make run`)."""
