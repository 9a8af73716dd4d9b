# One image for every Switchboard process: the compose file (or your orchestrator) picks the
# command — `npm run server`, `npm run worker`, `npm run migrate` or `npm run cli -- …`.
# TypeScript runs through tsx, as in development, so there is no separate build step to drift.
FROM node:20-bookworm-slim

ENV npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false

WORKDIR /app

# Dependencies first so code edits reuse this layer. tsx is a devDependency, hence a full install.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund && npm cache clean --force

# Code stays owned by root: the process runs as `node` and cannot rewrite what it executes.
COPY . .

USER node
EXPOSE 3000
CMD ["npm", "run", "-s", "server"]
