# syntax=docker/dockerfile:1
# Waymark's image: every role runs from it (the first argument picks it):
#   docker build -t waymark:0.1.0 .
#   docker run -p 16686:16686 -p 4317:4317 -p 4318:4318 -v waymark-data:/var/lib/waymark waymark:0.1.0 all-in-one
# The base is glibc Debian (not Alpine): the embedded store's DuckDB binding
# ships glibc builds only.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
# The sources go in before npm ci: its prepare script builds the UI
# (npm run build:ui, into src/ui/dist) from them.
COPY package.json package-lock.json ./
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm ci --no-audit --no-fund
RUN npm run build
# Keep only the runtime dependencies (drops TypeScript, Vite, the pinned node
# package and the test clients) before node_modules is copied out.
RUN npm prune --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /src/package.json ./package.json
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
# The UI's build; dist/ui/serve.js finds it at ../../src/ui/dist.
COPY --from=build /src/src/ui/dist ./src/ui/dist
# bin/waymark runs dist/cli/main.js on the image's node when src/cli/main.ts is absent.
COPY bin ./bin
# The embedded store's directory; a volume (a PersistentVolumeClaim in
# Kubernetes) is mounted here and made writable through fsGroup 1000.
# The default store is embedded, so --data-dir defaults to it here rather than
# ./data (/app/data, which uid 1000 cannot create).
RUN mkdir -p /var/lib/waymark && chown 1000:1000 /var/lib/waymark
ENV WAYMARK_DATA_DIR=/var/lib/waymark
# Numeric, so Kubernetes' runAsNonRoot can check it (uid 1000 is the base
# image's "node" user).
USER 1000:1000
EXPOSE 16686 16685 4317 4318 9411 14268 14250 6831/udp 6832/udp 14269
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.WAYMARK_ADMIN_PORT || 14269) + '/health').then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/app/bin/waymark"]
CMD ["all-in-one"]
