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
CMD ["deno", "run", "-A", "main.ts", "serve"]
