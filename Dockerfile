# pushgate's image. Build:  docker build -t pushgate .
# Run (see README "Running in Docker"):
#   docker run -d -p 8080:8080 \
#     -v /var/run/docker.sock:/var/run/docker.sock --group-add "$(stat -c %g /var/run/docker.sock)" \
#     -v "$PWD/pushgate.yml:/config/pushgate.yml:ro" -v pushgate-data:/app/data \
#     -e PUSHGATE_WEBHOOK_TOKEN -e PUSHGATE_API_TOKEN pushgate
#
# NODE_IMAGE: any Debian-based Node.js 20+ image (the official one by default). Both stages
# use it, so the native SQLite binding is built for the Node that runs it.
ARG NODE_IMAGE=node:20-bookworm-slim

# --- build: every dependency, compile TypeScript, then drop the dev dependencies ---
FROM ${NODE_IMAGE} AS build
# better-sqlite3 is a native module: its install downloads a prebuilt binary when it can and
# compiles otherwise, which needs these tools (they stay in this stage).
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
# No install scripts except better-sqlite3's (the only one the service needs); compile against
# the headers shipped in the image, so no Node headers are downloaded.
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && nodedir=$(node -p 'require("path").resolve(process.execPath, "../..")') \
 && if [ -f "$nodedir/include/node/node.h" ]; then export npm_config_nodedir="$nodedir"; fi \
 && npm rebuild better-sqlite3 \
 && node -e 'new (require("better-sqlite3"))(":memory:").close()'
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

# --- run: production dependencies and the compiled code only ---
FROM ${NODE_IMAGE}
# The V8 limits keep the resident size down under a webhook burst (bench/README.md);
# pushgate itself retains about 25 MB of heap. Override with -e NODE_OPTIONS=...
ENV NODE_ENV=production \
    NODE_OPTIONS="--max-old-space-size=256 --max-semi-space-size=1" \
    PUSHGATE_CONFIG=/config/pushgate.yml \
    PUSHGATE_IN_IMAGE=1 \
    PORT=8080
# A fixed non-root uid/gid, so volume ownership is predictable. To reach the Docker socket the
# container is given the socket's group at run time (--group-add / compose group_add), or
# DOCKER_HOST points at an engine over TCP; it never runs as root.
RUN groupadd --system --gid 10001 pushgate \
 && useradd --system --uid 10001 --gid pushgate --home-dir /app/data --no-create-home \
      --shell /usr/sbin/nologin pushgate \
 && mkdir -p /app/data /config \
 && chown pushgate:pushgate /app/data
WORKDIR /app
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY pushgate.example.yml ./
USER 10001:10001
# The config file (PUSHGATE_CONFIG) and the SQLite store (the default store.path,
# ./data/pushgate.db, is /app/data/pushgate.db here).
VOLUME ["/config", "/app/data"]
EXPOSE 8080
# No curl in the image: Node asks /healthz itself. PORT overrides listen.port, so it is the port.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Node is PID 1 and handles SIGTERM/SIGINT itself: it takes no new work, lets the tests in
# flight finish for shutdown.grace (30s), stops the rest (queued again for the next start),
# closes the store and exits 0; give `docker stop` more time than that (--stop-timeout 40).
# It starts no child processes, so no init is needed (`docker run --init` works too).
ENTRYPOINT ["node", "/app/dist/main.js"]
