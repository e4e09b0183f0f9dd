# Sociale Kaart — container image (daemon + CLI).
#
#   docker build -t socialekaart .
#   docker run --rm -p 8080:8080 \
#     -e SK_DATABASE_URL='host=db port=5432 dbname=socialekaart user=socialekaart password=...' \
#     socialekaart
#
# The image runs `socialekaart migrate` and then `socialekaartd` as a non-root
# user. PostgreSQL 15 with PostGIS is external (SK_DATABASE_URL); the role must be
# allowed to CREATE EXTENSION postgis, pg_trgm and unaccent (or create them first).
# Set SK_MIGRATE_ON_START=0 to skip the migration step.
#
# Licensed under the EUPL

# ---- build stage -----------------------------------------------------------
FROM debian:bookworm-slim AS build
ENV DEBIAN_FRONTEND=noninteractive
WORKDIR /src
# Only the package list first, so the dependency layer is cached across code changes.
COPY deploy/lib.sh deploy/lib.sh
RUN ./deploy/lib.sh install-build-deps && rm -rf /var/lib/apt/lists/*
COPY . .
# Build outside the copied tree so a host build/ directory cannot interfere.
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=RelWithDebInfo \
 && cmake --build /build -j"$(nproc)" --target socialekaartd socialekaart \
 && strip --strip-debug /build/socialekaartd /build/socialekaart

# ---- runtime stage ---------------------------------------------------------
FROM debian:bookworm-slim
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libevent-2.1-7 libevent-pthreads-2.1-7 libpq5 libjson-c5 libssl3 libcurl4 libstemmer0d libroaring0 liburcu8 libproj25 libcsv3 libqrencode4 \
      libpangocairo-1.0-0 libcairo2 fonts-dejavu-core ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --user-group --home-dir /var/lib/socialekaart --create-home \
      --shell /usr/sbin/nologin socialekaart
COPY --from=build /build/socialekaartd /build/socialekaart /usr/local/bin/
COPY LICENSE /usr/share/doc/socialekaart/LICENSE
# Fail the image build if a shared library is missing.
RUN ! ldd /usr/local/bin/socialekaartd /usr/local/bin/socialekaart | grep 'not found'

USER socialekaart
WORKDIR /var/lib/socialekaart
ENV SK_LISTEN_ADDR=0.0.0.0 \
    SK_PORT=8080 \
    SK_DATA_DIR=/var/lib/socialekaart \
    SK_DATABASE_URL= \
    SK_MIGRATE_ON_START=1
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${SK_PORT}/health" >/dev/null || exit 1
STOPSIGNAL SIGTERM
# exec: the daemon becomes PID 1 and receives SIGTERM from `docker stop`.
CMD ["/bin/sh", "-c", "if [ \"$SK_MIGRATE_ON_START\" != 0 ]; then socialekaart migrate || exit 1; fi; exec socialekaartd"]
