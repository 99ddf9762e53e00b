# podtrace in a container: the seed's multi-stage build (shared/seeds, §2), rebuilt for C.
# docs/container.md says how to build and run it and what each part is for.
#
#   docker build -t podtrace .
#   docker run --rm --privileged podtrace                                  # the built-in demo
#   docker run --rm --privileged -e POD_ALLOW_NET=api.example.com podtrace --allow-write=/tmp/output
#   docker run --rm --privileged podtrace run custom_worker.py             # /app/custom_worker.py
#
# Both stages' base images are build arguments, so a locally made Debian 12 image can stand
# in for the registry's (tools/container-test imports one made with debootstrap):
#   podman build --build-arg BASE=localhost/bookworm --build-arg RUNTIME_BASE=localhost/bookworm .
ARG BASE=debian:bookworm
ARG RUNTIME_BASE=debian:bookworm-slim

# --- Stage 1: build --------------------------------------------------------------------
# The -dev packages of tools/dev-setup that the build needs (not the test tools), and
# go-md2man for the man page. Only the build runs here: no tests (they need the sandbox's
# privileges, which `docker build` does not have; tools/check runs them on the host).
FROM ${BASE} AS builder
# (tools/container-test prunes builder stages that no image uses any more by this label)
LABEL org.podtrace.stage=builder
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        build-essential cmake pkg-config python3 go-md2man \
        libseccomp-dev libnl-3-dev libnl-route-3-dev libunwind-dev libcjson-dev \
        libevent-dev libhttp-parser-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# Installed under /usr/local into a staging root that the runtime stage copies whole:
# bin/podtrace, share/man/man1/podtrace.1, and libshm (lib/libshm.so.0, include/podtrace/shm.h,
# lib/pkgconfig/libshm.pc, and the podshm Python binding under lib/python3.11/dist-packages,
# which Debian's python3 has on its path).
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=/usr/local \
        -DPODTRACE_TESTS=OFF \
 && cmake --build /build -j"$(nproc)" \
 && DESTDIR=/staging cmake --install /build --strip

# --- Stage 2: runtime ------------------------------------------------------------------
FROM ${RUNTIME_BASE}
LABEL org.opencontainers.image.title=podtrace \
      org.opencontainers.image.description="podtrace run: a syscall-level sandbox supervisor"
# python3 for Python workers; iproute2 and procps to look at the sandbox from outside
# (`docker exec ... ip link`, `ps`); ca-certificates so workers can verify TLS through the
# proxy's CONNECT tunnels; the shared libraries podtrace links.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        python3 iproute2 procps ca-certificates \
        libseccomp2 libnl-3-200 libnl-route-3-200 libunwind8 libcjson1 \
        libevent-core-2.1-7 libevent-extra-2.1-7 libevent-pthreads-2.1-7 libhttp-parser2.9 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=builder /staging/ /
# A library missing from the list above fails the build here, not the first run.
RUN ldconfig \
 && if ldd /usr/local/bin/podtrace | grep 'not found'; then exit 1; fi \
 && podtrace --version \
 && python3 -c 'import podshm'
# The seed's second example, `IMAGE run custom_worker.py`, finds its script here.
WORKDIR /app
COPY examples/custom_worker.py /app/custom_worker.py
# Workers' output reaches `docker logs` line by line (podtrace passes PYTHONUNBUFFERED on).
ENV PYTHONUNBUFFERED=1
# podtrace is pid 1 of the container: it forwards SIGTERM (`docker stop`) to the worker and
# exits with the worker's status. Arguments after the image name are podtrace's options and
# the program; `IMAGE run x.py` is `podtrace run x.py` too (a repeated "run" is dropped).
ENTRYPOINT ["podtrace", "run"]
# No program: podtrace's built-in demo worker. An empty CMD (rather than a script) makes
# `docker run IMAGE --allow-write=/tmp/output` -- which replaces CMD -- run the same default.
CMD []
