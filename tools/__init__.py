"""Operating the assistant: settings, server processes, CLI wrappers and checks."""
