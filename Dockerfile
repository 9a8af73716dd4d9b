# One image for every Switchboard process: the compose file (or your orchestrator) picks the
# command — the server (default), `node dist/src/worker/main.js`, `node dist/src/db/migrate-cli.js
# up` or `node dist/src/cli/main.js …`. TypeScript is compiled once here; the image carries
# JavaScript and production dependencies only.

FROM node:20-bookworm-slim AS build
ENV npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
# The worker bundles workflows from dist/workflows at start, so they are built with the rest.
RUN npm run build

FROM node:20-bookworm-slim
ENV npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false
WORKDIR /app

# Dependencies first so code edits reuse this layer.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

# Code stays owned by root: the process runs as `node` and cannot rewrite what it executes.
COPY --from=build /app/dist ./dist
COPY migrations ./migrations
COPY scripts ./scripts
COPY ivrs ./ivrs

USER node
EXPOSE 3000
# Liveness of the webhook server (the default command); compose turns it off for the worker and
# one-shot services and checks /readyz for the server.
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.HTTP_PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/src/server/main.js"]
