# The Rasa server image: NLU, dialogue, channels. Several replicas share PostgreSQL (tracker
# store) and Redis (lock store, Socket.IO); see README, "Scaling out".
# Build from the project root after `make train`: docker build -f deploy/rasa.Dockerfile .
FROM python:3.10-slim-bookworm
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
COPY requirements.lock requirements-nodeps.txt ./
RUN pip install --no-cache-dir -r requirements.lock \
 && pip install --no-cache-dir --no-deps -r requirements-nodeps.txt
COPY .env.example config.yml domain.yml endpoints.yml credentials.yml ./
COPY runtime/ runtime/
COPY data/ data/
# The model names the spaCy pipeline by this relative path.
COPY build/spacy/spine_en/ build/spacy/spine_en/
COPY models/spine-assistant.tar.gz models/spine-assistant.tar.gz
RUN useradd --uid 1001 --home-dir /app rasa && mkdir -p var && chown rasa var
USER 1001
ENV RASA_HOST=0.0.0.0 RASA_PORT=5005
EXPOSE 5005
HEALTHCHECK --interval=10s --timeout=3s --start-period=120s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5005/', timeout=2)"
ENTRYPOINT ["python", "-m", "runtime.rasa_cli", "run", "--model", "models/spine-assistant.tar.gz", "--interface", "0.0.0.0", "--port", "5005", "--enable-api", "--endpoints", "endpoints.yml", "--credentials", "credentials.yml"]
