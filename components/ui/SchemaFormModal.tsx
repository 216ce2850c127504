// CreateModal / EditModal: a modal form whose fields, labels and validation come from one zod object schema
// (see schema_form.ts). Client-side errors show under each field before anything is sent; the caller's onSubmit
// may answer with the server's field errors ({field, message}[]) or a general message, shown the same way.
import { useEffect, useMemo, useState } from "preact/hooks";
import type { z } from "zod";
import type { FieldError } from "../api.ts";
import { Modal } from "./Modal.tsx";
import { fieldsFromSchema, type FieldSpec, initialValues, type RawValues, validateForm } from "./schema_form.ts";

export type SubmitOutcome = void | string | FieldError[];

export interface SchemaFormModalProps<S extends z.ZodObject> {
  open: boolean;
  title: string;
  schema: S;
  /** Values of the record being edited (EditModal). */
  record?: Record<string, unknown>;
  overrides?: Record<string, Partial<FieldSpec>>;
  submitLabel?: string;
  /** Resolve nothing to close; a string or field errors keep the modal open and show them. */
  onSubmit: (data: z.infer<S>) => Promise<SubmitOutcome>;
  onClose: () => void;
  id?: string;
}

export function SchemaFormModal<S extends z.ZodObject>(props: SchemaFormModalProps<S>) {
  const fields = useMemo(() => fieldsFromSchema(props.schema, props.overrides), [props.schema, props.overrides]);
  const [values, setValues] = useState<RawValues>(() => initialValues(fields, props.record));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!props.open) return;
    setValues(initialValues(fields, props.record));
    setErrors({});
  }, [props.open]); // only when it opens: a parent re-render must not wipe what the user typed

  const submit = async (e: Event) => {
    e.preventDefault();
    const checked = validateForm(props.schema, fields, values);
    if (!checked.ok) return setErrors(checked.errors);
    setBusy(true);
    try {
      const outcome = await props.onSubmit(checked.data);
      if (typeof outcome === "string") setErrors({ "(form)": outcome });
      else if (Array.isArray(outcome) && outcome.length) {
        setErrors(Object.fromEntries(outcome.map((f) => [f.field in values ? f.field : "(form)", f.message])));
      } else props.onClose();
    } finally {
      setBusy(false);
    }
  };

  const formId = `${props.id ?? "schema-form"}-form`;
  return (
    <Modal
      open={props.open}
      title={props.title}
      onClose={props.onClose}
      id={props.id}
      footer={
        <>
          <button type="button" class="btn" onClick={props.onClose} disabled={busy}>Cancel</button>
          <button type="submit" form={formId} class="btn btn-primary" disabled={busy}>
            {busy ? "Saving…" : props.submitLabel ?? "Save"}
          </button>
        </>
      }
    >
      <form id={formId} class="space-y-4" onSubmit={submit} noValidate>
        {errors["(form)"] && <p role="alert" class="field-error">{errors["(form)"]}</p>}
        {fields.map((f) => (
          <FieldInput
            key={f.name}
            spec={f}
            value={values[f.name]}
            error={errors[f.name]}
            onChange={(v) => setValues((old) => ({ ...old, [f.name]: v }))}
          />
        ))}
      </form>
    </Modal>
  );
}

function FieldInput(props: {
  spec: FieldSpec;
  value: string | boolean;
  error?: string;
  onChange: (v: string | boolean) => void;
}) {
  const { spec } = props;
  const id = `field-${spec.name}`;
  const common = {
    id,
    name: spec.name,
    "aria-invalid": props.error ? true : undefined,
    "aria-describedby": props.error ? `${id}-error` : undefined,
  };
  const text = (e: Event) => props.onChange((e.currentTarget as HTMLInputElement).value);
  let control;
  if (spec.kind === "checkbox") {
    control = (
      <input
        {...common}
        type="checkbox"
        class="h-4 w-4"
        checked={props.value === true}
        onChange={(e) => props.onChange((e.currentTarget as HTMLInputElement).checked)}
      />
    );
  } else if (spec.kind === "select") {
    control = (
      <select {...common} class="input" value={String(props.value)} onChange={text}>
        <option value="">Choose…</option>
        {spec.options?.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
      </select>
    );
  } else if (spec.kind === "textarea") {
    control = <textarea {...common} class="input" value={String(props.value)} onInput={text} />;
  } else {
    control = (
      <input
        {...common}
        class="input"
        type={spec.kind === "number" ? "number" : "text"}
        min={spec.min}
        max={spec.max}
        maxLength={spec.maxLength}
        value={String(props.value)}
        onInput={text}
      />
    );
  }
  return (
    <div class={spec.kind === "checkbox" ? "flex items-center gap-2" : ""}>
      {spec.kind === "checkbox" && control}
      <label for={id} class={`text-sm font-medium ${spec.kind === "checkbox" ? "" : "mb-1 block"}`}>
        {spec.label}
        {spec.required && <span class="text-muted" aria-hidden="true">*</span>}
      </label>
      {spec.kind !== "checkbox" && control}
      {spec.help && !props.error && <p class="mt-1 text-xs text-muted">{spec.help}</p>}
      {props.error && <p id={`${id}-error`} class="field-error">{props.error}</p>}
    </div>
  );
}

/** Create form: starts from the schema's defaults. */
export function CreateModal<S extends z.ZodObject>(props: Omit<SchemaFormModalProps<S>, "record">) {
  return <SchemaFormModal {...props} submitLabel={props.submitLabel ?? "Create"} />;
}

/** Edit form: starts from the record's current values. */
export function EditModal<S extends z.ZodObject>(
  props: SchemaFormModalProps<S> & { record: Record<string, unknown> },
) {
  return <SchemaFormModal {...props} submitLabel={props.submitLabel ?? "Save"} />;
}
