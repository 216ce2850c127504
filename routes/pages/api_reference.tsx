// API reference (/api, every signed-in user): the OpenAPI document of GET /app/etl/openapi.json rendered on the
// server — operations grouped by tag, their parameters, bodies and answers in readable type notation, and the shared
// schemas. No island, so the page content ships no JavaScript and needs nothing from another origin.
import type { ComponentChildren } from "preact";
import type { JsonSchema, OpenApiDocument, Operation } from "../../server/api/openapi.ts";
import { refName, schemaText } from "../../server/api/schema_text.ts";

const METHOD_TONE: Record<string, string> = {
  get: "tone-ready",
  post: "tone-finished",
  put: "tone-limited",
  patch: "tone-running",
  delete: "tone-failed",
};

/** Text with `code` spans, as the descriptions are written. */
function Prose(props: { text: string; class?: string; key?: number }) {
  const parts = props.text.split("`");
  return (
    <p class={props.class}>
      {parts.map((part, i) => (i % 2 ? <code class="rounded bg-sunken px-1 text-[0.85em]">{part}</code> : part))}
    </p>
  );
}

function TypeBlock(props: { schema: JsonSchema }) {
  const ref = typeof props.schema.$ref === "string" ? refName(props.schema.$ref) : null;
  if (ref) {
    return (
      <a href={`#schema-${ref}`} class="font-mono text-xs underline">
        {ref}
      </a>
    );
  }
  return <pre class="overflow-x-auto rounded-md bg-sunken p-3 text-xs leading-5">{schemaText(props.schema)}</pre>;
}

function Section(props: { title: string; children: ComponentChildren }) {
  return (
    <div class="mt-4">
      <h4 class="mb-2 text-xs font-semibold uppercase tracking-wide text-muted">{props.title}</h4>
      {props.children}
    </div>
  );
}

function Parameters(props: { parameters: NonNullable<Operation["parameters"]> }) {
  return (
    <dl class="space-y-2 text-sm">
      {props.parameters.map((p) => (
        <div class="grid gap-1 sm:grid-cols-[12rem_1fr]" key={`${p.in}-${p.name}`}>
          <dt>
            <code class="font-semibold">{p.name}</code>
            <span class="ml-2 text-xs text-muted">{p.in}{p.required ? ", required" : ""}</span>
          </dt>
          <dd class="min-w-0">
            <code class="break-all text-xs">{schemaText(p.schema)}</code>
            {p.schema.default !== undefined && (
              <span class="ml-2 text-xs text-muted">default {JSON.stringify(p.schema.default)}</span>
            )}
            {p.description && <Prose text={p.description} class="text-muted" />}
          </dd>
        </div>
      ))}
    </dl>
  );
}

function OperationCard(props: { method: string; path: string; op: Operation }) {
  const { method, path, op } = props;
  const body = op.requestBody?.content;
  return (
    <article id={op.operationId} class="card min-w-0 p-4 sm:p-5" data-operation={`${method} ${path}`}>
      <header class="flex flex-wrap items-center gap-2">
        <span class={`badge ${METHOD_TONE[method] ?? "tone-idle"} font-mono uppercase`}>{method}</span>
        <code class="min-w-0 break-all text-sm font-semibold">{path}</code>
      </header>
      <h3 class="mt-2 text-base font-medium">{op.summary}</h3>
      {op.description?.split("\n\n").map((paragraph, i) => (
        <Prose key={i} text={paragraph} class="mt-1 text-sm text-muted" />
      ))}
      {op.security?.length === 0 && <p class="mt-1 text-sm text-muted">No sign-in needed.</p>}
      {op.parameters && (
        <Section title="Parameters">
          <Parameters parameters={op.parameters} />
        </Section>
      )}
      {body && (
        <Section title={`Body (${Object.keys(body).join(" or ")})`}>
          <TypeBlock schema={Object.values(body)[0].schema} />
        </Section>
      )}
      <Section title="Answers">
        <dl class="space-y-2 text-sm">
          {Object.entries(op.responses).map(([status, response]) => (
            <div class="grid gap-1 sm:grid-cols-[4rem_1fr]" key={status}>
              <dt class="font-mono font-semibold">{status}</dt>
              <dd class="min-w-0 space-y-1">
                <Prose text={response.description} />
                {response.content?.["application/json"] && status.startsWith("2") && (
                  <TypeBlock schema={response.content["application/json"].schema} />
                )}
              </dd>
            </div>
          ))}
        </dl>
      </Section>
    </article>
  );
}

export function ApiReferencePage(props: { doc: OpenApiDocument }) {
  const { doc } = props;
  const byTag = new Map<string, Array<{ method: string; path: string; op: Operation }>>();
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      for (const tag of op!.tags) byTag.set(tag, [...(byTag.get(tag) ?? []), { method, path, op: op! }]);
    }
  }
  return (
    <div class="mx-auto max-w-5xl space-y-8" id="api-reference">
      <section class="card p-5 sm:p-6">
        <h2 class="text-xl font-semibold">
          {doc.info.title} <span class="text-sm text-muted">{doc.info.version}</span>
        </h2>
        <Prose text={doc.info.description} class="mt-2 text-sm" />
        <p class="mt-2 text-sm">
          Send the token from <code>POST /auth/login</code> as <code>Authorization: Bearer …</code>{" "}
          (the browser uses its session cookie). The machine-readable document:{" "}
          <a href="/app/etl/openapi.json" class="font-medium underline" id="openapi-link">/app/etl/openapi.json</a>{" "}
          (OpenAPI 3.1).
        </p>
        <nav aria-label="API sections" class="mt-4 flex flex-wrap gap-2">
          {[...byTag.keys()].map((tag) => <a key={tag} href={`#tag-${tag}`} class="btn h-8 text-xs">{tag}</a>)}
          <a href="#schemas" class="btn h-8 text-xs">schemas</a>
        </nav>
      </section>
      {[...byTag.entries()].map(([tag, ops]) => (
        <section id={`tag-${tag}`} class="space-y-3" key={tag}>
          <h2 class="text-lg font-semibold capitalize">{tag}</h2>
          {ops.map((o) => <OperationCard {...o} key={o.op.operationId} />)}
        </section>
      ))}
      <section id="schemas" class="space-y-3">
        <h2 class="text-lg font-semibold">Schemas</h2>
        {Object.entries(doc.components.schemas).map(([name, schema]) => (
          <article id={`schema-${name}`} class="card min-w-0 p-4" key={name}>
            <h3 class="mb-2 font-mono text-sm font-semibold">{name}</h3>
            <pre class="overflow-x-auto rounded-md bg-sunken p-3 text-xs leading-5">{schemaText(schema)}</pre>
          </article>
        ))}
      </section>
    </div>
  );
}
