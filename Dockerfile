# syntax=docker/dockerfile:1
# The lc-orchestrator image: the worker by default; the web app with
#   node --import tsx web/main.ts
# and the CLI with
#   node --import tsx cli/lc.ts --help
# Built by temporal-docker-compose.yml, or by hand: docker build -t lc-orchestrator .
# TypeScript runs through tsx (a production dependency); the workflow bundle is prebuilt.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- deps: every dependency, exactly as locked ------------------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# ---- build: type check, then the prebuilt workflow bundle (tools/build-bundle.ts) -------------
FROM deps AS build
COPY . .
RUN npm run build && test -s dist/workflow-bundle.js

# ---- prod-deps: production dependencies only ----------------------------------------------------
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# ---- runtime ------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    WORKFLOW_BUNDLE=/app/dist/workflow-bundle.js
WORKDIR /app
# Owned by root, read-only to the node user that runs it (.dockerignore keeps tests, local data
# and secrets out).
COPY --from=prod-deps /app/node_modules ./node_modules
COPY . .
COPY --from=build /app/dist ./dist
USER node

# Healthy while this container's worker polls its task queue on the Temporal frontend, connecting
# with the same settings (TLS, API key) as the worker: workers/healthcheck.ts. The web service
# overrides this with its own HTTP check.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
  CMD ["node", "--import", "tsx", "workers/healthcheck.ts"]

CMD ["node", "--import", "tsx", "workers/main.ts"]
