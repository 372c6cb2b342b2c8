#!/usr/bin/env bash
# Prints the path of a Python 3.10 interpreter, or one clear line and exit 1.
# Rasa 3.6 runs on Python 3.10 at most, so nothing newer will do.
set -u
candidates=()
[ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
candidates+=(python3.10)
if command -v pyenv >/dev/null 2>&1; then
  for v in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.10(\.|$)' | sort -rV); do
    candidates+=("$(pyenv root)/versions/$v/bin/python3.10")
  done
fi
candidates+=(python3 python)
for c in "${candidates[@]}"; do
  path=$(command -v "$c" 2>/dev/null) || continue
  if "$path" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' 2>/dev/null; then
    echo "$path"
    exit 0
  fi
done
echo "error: Python 3.10 is required (Rasa 3.6 does not run on 3.11+): install it, e.g. 'pyenv install 3.10' or 'apt-get install python3.10 python3.10-venv', or set PYTHON=/path/to/python3.10" >&2
exit 1
