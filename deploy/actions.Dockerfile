# The action server image: actions/ and the runtime modules they import, rasa-sdk and the
# handoff store's packages; no Rasa Open Source, no model. Any number of replicas share the
# handoff database (PostgreSQL); their outbox workers lease rows, so none is sent twice.
# Build from the project root: docker build -f deploy/actions.Dockerfile .
FROM python:3.10-slim-bookworm
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
COPY requirements.lock deploy/requirements-actions.txt ./
RUN pip install --no-cache-dir -c requirements.lock -r requirements-actions.txt
COPY .env.example domain.yml ./
COPY runtime/__init__.py runtime/settings.py runtime/shared_secrets.py runtime/log_privacy.py runtime/action_server.py runtime/catalog.py runtime/consent.py runtime/did_you_mean.py runtime/domain_text.py runtime/faq_context.py runtime/mri_glossary.py runtime/parse_data.py runtime/wording.py runtime/
COPY runtime/handoff/ runtime/handoff/
COPY actions/ actions/
COPY data/ data/
RUN useradd --uid 1001 --home-dir /app actions && mkdir -p var && chown actions var
USER 1001
ENV ACTION_SERVER_HOST=0.0.0.0 ACTION_SERVER_PORT=5055
EXPOSE 5055
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5055/health', timeout=2)"
ENTRYPOINT ["python", "-m", "runtime.action_server"]
