# syntax=docker/dockerfile:1
# PatchTrack: a release build with the Swift runtime linked statically, on a slim Debian with the system SQLite.

FROM swift:6.3.1-bookworm AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends libsqlite3-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN swift build -c release --static-swift-stdlib --product patchtrack \
    && install -D -m 0755 "$(swift build -c release --show-bin-path)/patchtrack" /out/patchtrack

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends libsqlite3-0 curl ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin patchtrack \
    && mkdir -p /data \
    && chown patchtrack /data
COPY --from=build /out/patchtrack /usr/local/bin/patchtrack
USER 10001
WORKDIR /data
VOLUME ["/data"]
ENV PATCHTRACK_HOST=0.0.0.0 \
    PATCHTRACK_PORT=8080 \
    PATCHTRACK_DATABASE=/data/patchtrack.sqlite
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
    CMD ["curl", "-fsS", "http://127.0.0.1:8080/healthz"]
ENTRYPOINT ["patchtrack"]
CMD ["serve"]
