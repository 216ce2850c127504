// Renders a field tree from form/schema.ts: labels, help, inline errors (aria-describedby), groups as fieldsets,
// advanced fields folded under "Advanced settings", a choice of variant as a select, and write-only fields: on an
// edit form a stored secret shows "stored — replace" and is only sent when the operator chooses to replace it.
import type { ComponentChildren } from "preact";
import type { FieldNode, LeafNode, RawValues } from "./schema.ts";

export interface SchemaFormProps {
  /** Prefix of element ids (several forms may share a page). */
  idPrefix: string;
  nodes: FieldNode[];
  values: RawValues;
  errors: Record<string, string>;
  onChange: (path: string, value: string | boolean) => void;
  /** Paths of write-only values the server holds (edit forms). */
  stored?: Set<string>;
  /** Stored paths the operator is replacing now. */
  replacing?: Set<string>;
  onReplace?: (path: string, replace: boolean) => void;
  /** Paths that must be entered again, with the reason (shown above the fields; "Keep stored" is not offered). */
  mustReplace?: Record<string, string>;
}

export const fieldId = (prefix: string, path: string) => `${prefix}-${path.replace(/[^\w-]/g, "_")}`;

export function SchemaForm(props: SchemaFormProps) {
  const basic = props.nodes.filter((n) => !n.advanced);
  const advanced = props.nodes.filter((n) => n.advanced);
  return (
    <div class="space-y-4">
      {basic.map((n) => <Node key={n.path} node={n} {...props} />)}
      {advanced.length > 0 && <Advanced nodes={advanced} form={props} />}
    </div>
  );
}

function Advanced(props: { nodes: FieldNode[]; form: SchemaFormProps }) {
  const hasError = props.nodes.some((n) => Object.keys(props.form.errors).some((k) => k.startsWith(n.path)));
  return (
    <details class="rounded-lg border border-line px-3 py-2" open={hasError}>
      <summary class="cursor-pointer text-sm font-medium">Advanced settings</summary>
      <div class="mt-3 space-y-4">{props.nodes.map((n) => <Node key={n.path} node={n} {...props.form} />)}</div>
    </details>
  );
}

function Node(props: SchemaFormProps & { node: FieldNode }) {
  const { node } = props;
  if (node.secret && props.stored?.has(node.path) && !props.replacing?.has(node.path)) {
    return <StoredSecret {...props} />;
  }
  if (node.kind === "group") {
    return <Group {...props} node={node}>{node.children.map((c) => <Node key={c.path} {...props} node={c} />)}</Group>;
  }
  if (node.kind === "variant") {
    const keyPath = `${node.path}.${node.key}`;
    const chosen = node.variants.find((v) => v.value === props.values[keyPath]);
    const select: LeafNode = {
      kind: "select",
      path: keyPath,
      label: "Type",
      required: true,
      advanced: false,
      secret: false,
      schema: {},
      options: node.variants.map((v) => ({ value: v.value, label: v.label })),
    };
    return (
      <Group {...props} node={node}>
        <Leaf {...props} leaf={select} />
        {chosen?.children.map((c) => <Node key={c.path} {...props} node={c} />)}
      </Group>
    );
  }
  return <Leaf {...props} leaf={node} />;
}

function Group(props: SchemaFormProps & { node: FieldNode; children: ComponentChildren }) {
  const { node } = props;
  const stored = props.stored?.has(node.path);
  const must = props.mustReplace?.[node.path];
  return (
    <fieldset class="space-y-4 rounded-lg border border-line px-3 pb-3 pt-1" data-group={node.path}>
      <legend class="px-1 text-sm font-semibold">{node.label}</legend>
      {node.help && <p class="text-xs text-muted">{node.help}</p>}
      {must && <p class="rounded-md px-3 py-2 text-xs tone-limited" data-must-replace>{must}</p>}
      {props.children}
      {stored && !must && (
        <button
          type="button"
          class="btn h-8 text-xs"
          onClick={() => props.onReplace?.(node.path, false)}
        >
          Keep the stored {node.label.toLowerCase()}
        </button>
      )}
    </fieldset>
  );
}

function StoredSecret(props: SchemaFormProps & { node: FieldNode }) {
  const { node } = props;
  const id = fieldId(props.idPrefix, node.path);
  return (
    <div
      class="flex flex-wrap items-center gap-x-3 gap-y-1 rounded-lg border border-line px-3 py-2"
      data-stored={node.path}
    >
      <span class="text-sm font-medium" id={`${id}-label`}>{node.label}</span>
      <span class="badge tone-finished">stored</span>
      <span class="text-xs text-muted">never shown again; write-only</span>
      <button
        type="button"
        class="btn ml-auto h-8 text-xs"
        aria-describedby={`${id}-label`}
        data-replace={node.path}
        onClick={() => props.onReplace?.(node.path, true)}
      >
        Replace
      </button>
      {props.errors[node.path] && <p class="field-error w-full">{props.errors[node.path]}</p>}
    </div>
  );
}

function Leaf(props: SchemaFormProps & { leaf: LeafNode }) {
  const { leaf } = props;
  const id = fieldId(props.idPrefix, leaf.path);
  const error = props.errors[leaf.path];
  const value = props.values[leaf.path];
  const described = [error ? `${id}-error` : "", leaf.help ? `${id}-help` : ""].filter(Boolean).join(" ");
  const common = {
    id,
    name: leaf.path,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": described || undefined,
    "aria-required": leaf.required || undefined,
  };
  const text = (e: Event) => props.onChange(leaf.path, (e.currentTarget as HTMLInputElement).value);
  let control;
  if (leaf.kind === "checkbox") {
    control = (
      <input
        {...common}
        type="checkbox"
        class="h-4 w-4"
        checked={value === true}
        onChange={(e) => props.onChange(leaf.path, (e.currentTarget as HTMLInputElement).checked)}
      />
    );
  } else if (leaf.kind === "select") {
    control = (
      <select {...common} class="input" value={String(value ?? "")} onChange={text}>
        {!leaf.required && <option value="">—</option>}
        {leaf.required && !value && <option value="">Choose…</option>}
        {leaf.options?.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
      </select>
    );
  } else if (leaf.kind === "textarea" || leaf.kind === "json") {
    control = <textarea {...common} class="input font-mono" rows={4} value={String(value ?? "")} onInput={text} />;
  } else {
    control = (
      <input
        {...common}
        class="input"
        type={leaf.kind === "number" ? "number" : leaf.kind === "password" ? "password" : "text"}
        autocomplete={leaf.kind === "password" ? "new-password" : "off"}
        inputMode={leaf.schema.format === "uri" ? "url" : undefined}
        step={leaf.kind === "number" ? (leaf.integer ? 1 : "any") : undefined}
        min={leaf.schema.minimum}
        max={leaf.schema.maximum !== undefined && leaf.schema.maximum < Number.MAX_SAFE_INTEGER
          ? leaf.schema.maximum
          : undefined}
        maxLength={leaf.schema.maxLength}
        placeholder={leaf.placeholder ?? (leaf.kind === "list" ? "comma-separated" : undefined)}
        value={String(value ?? "")}
        onInput={text}
      />
    );
  }
  const checkbox = leaf.kind === "checkbox";
  return (
    <div class={checkbox ? "flex flex-wrap items-center gap-2" : ""} data-field={leaf.path}>
      {checkbox && control}
      <label for={id} class={`text-sm font-medium ${checkbox ? "" : "mb-1 block"}`}>
        {leaf.label}
        {leaf.required && !checkbox && <span class="text-muted" aria-hidden="true">*</span>}
      </label>
      {!checkbox && control}
      {leaf.help && <p id={`${id}-help`} class={`text-xs text-muted ${checkbox ? "w-full" : "mt-1"}`}>{leaf.help}</p>}
      {error && <p id={`${id}-error`} class="field-error">{error}</p>}
    </div>
  );
}
