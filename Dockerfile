# syntax=docker/dockerfile:1
# Build stage: install exactly what the lock file says, then prune dev dependencies.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund && npm prune --omit=dev

# Typecheck in a separate stage so a broken build never ships.
FROM node:20-bookworm-slim AS check
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run typecheck

# Runtime: production dependencies + sources, run by tsx as an unprivileged user.
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production DATA_DIR=/data PORT=3000
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=check /app/package.json ./
COPY --from=check /app/bot ./bot
COPY --from=check /app/services ./services
COPY --from=check /app/models ./models
COPY --from=check /app/locales ./locales
COPY --from=check /app/scripts ./scripts
COPY --from=check /app/tsconfig.json ./
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
CMD ["node", "--import", "tsx", "bot/main.ts"]
