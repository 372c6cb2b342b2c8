"""`make soak`: many conversations at once, a SIGKILL to both servers, and nothing lost (issue #11)."""
