# The service's image: `docker build -t analytics-maestro .`, then `serve` (the API and the front) or
# `worker` (Celery) as the command; see "Running inside Maestro Server" in the README.
FROM node:20-slim AS front
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --silent

FROM python:3.11-slim
# a C compiler for the layout's compiled loops (without one they run in Python, more slowly)
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml setup.py README.md ./
COPY src ./src
COPY --from=front /src/node_modules/svg-pan-zoom/dist/svg-pan-zoom.min.js src/analytics_maestro/web/static/vendor/
RUN pip install --no-cache-dir . && useradd --system --home /var/lib/analytics-maestro --create-home maestro
USER maestro
ENV MAESTRO_VAR_DIR=/var/lib/analytics-maestro MAESTRO_HOST=0.0.0.0
EXPOSE 5020
CMD ["analytics-maestro", "serve"]
