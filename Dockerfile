# syntax=docker/dockerfile:1.7
# The lake API (`npm run api`) as a container of the docker-compose cluster. Its Spark Connect
# client is generated from the .proto files inside the spark-connect jar, taken here from the
# apache/spark image of the version the poms pin, so client and server speak the same protocol.
ARG SPARK_VERSION=4.2.0
FROM apache/spark:${SPARK_VERSION}-scala2.13-java17-ubuntu AS spark

FROM node:20-bookworm AS build
ARG SPARK_VERSION
# The JDK's `jar` tool unpacks the .proto files (packages/spark-connect/scripts/generate-protocol.mjs); only this stage has it.
COPY --from=spark /opt/java/openjdk /opt/java/openjdk
COPY --from=spark /opt/spark/jars/spark-connect_2.13-${SPARK_VERSION}.jar /tmp/spark-jars/
ENV PATH=/opt/java/openjdk/bin:$PATH
WORKDIR /app
COPY package.json package-lock.json ./
# The npm workspace (the Spark Connect client): npm ci links it into node_modules.
COPY packages/spark-connect/package.json ./packages/spark-connect/
# npm ci's postinstall applies them (patch-package).
COPY patches ./patches
# Dev dependencies included: TypeScript compiles the CLI in this stage.
RUN npm ci --no-audit --no-fund
COPY . .
# The protocol code, then the CLI compiled to dist/ (what bin/lake.mjs runs: no tsx at run time).
RUN npx tsx -e "import('./control/setup/protos.ts').then((protos) => protos.generateProtocol('/tmp/spark-jars'))" \
 && test -d packages/spark-connect/src/gen/spark/connect \
 && npx tsx -e "import('./control/setup/build-cli.ts').then((cli) => cli.buildCli())" \
 && test -f dist/control/cli/main.js

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    API_HOST=0.0.0.0 \
    API_PORT=8000 \
    LAKE_HOME=/var/lib/lake
COPY --from=build --chown=node:node /app /app
# Users and revoked refresh tokens (SQLite) live in LAKE_HOME: a volume in docker-compose.yml.
RUN mkdir -p /var/lib/lake && chown node:node /var/lib/lake
WORKDIR /app
USER node
EXPOSE 8000
CMD ["npm", "run", "api"]
