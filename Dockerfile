# Sluice image: Deno runtime, dependencies cached at build time, UI assets built, runs as an unprivileged user.
FROM denoland/deno:2.9.6
WORKDIR /app
COPY deno.json deno.lock ./
COPY . .
RUN deno install --frozen && deno task build && deno cache main.ts
ENV SLUICE_DATA_DIR=/app/data
RUN mkdir -p /app/data && chown -R deno:deno /app
USER deno
EXPOSE 8000
# --max-semi-space-size=8 caps V8's young generation at 16 MB (a long sync's allocation rate otherwise grows it to
# ~56 MB): a 100,000-issue Jira sync peaks ~60 MB lower (bench/jira_bench.ts). Same flag in deno.json start/compile.
CMD ["deno", "run", "-A", "--v8-flags=--max-semi-space-size=8", "main.ts", "serve"]
