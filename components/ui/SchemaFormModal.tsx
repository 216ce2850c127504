// CreateModal / EditModal: a modal form generated from a JSON Schema the server sends (server/ui/form_schema.ts turns
// a zod schema into one), so any page's island can offer a create or edit form without shipping zod. Light checks
// run before sending; the caller's onSubmit answers with nothing (done: close), a message, or the server's 400 field
// errors ({field, message}[]), which land under their fields. Write-only values (credentials) show "stored —
// replace" on edit and are only sent when replaced; `mustReplace` can demand them again (e.g. a new base URL).
// Load this module on demand (dynamic import) from islands: it is not needed for a page's first paint.
import type { ComponentChildren } from "preact";
import { useEffect, useMemo, useState } from "preact/hooks";
import type { FieldError } from "../api.ts";
import { Modal } from "./Modal.tsx";
import { SchemaForm } from "./form/SchemaForm.tsx";
import {
  fieldsFromJsonSchema,
  initialValues,
  type JsonSchema,
  placeErrors,
  type RawValues,
  toPayload,
  validateValues,
} from "./form/schema.ts";

export type SubmitOutcome = void | string | FieldError[];

export interface FormState {
  values: RawValues;
  /** The payload as it would be sent now (stored secrets not being replaced are left out). */
  payload(): Record<string, unknown>;
  /** Checks the form and shows its errors; false when something must be fixed first. */
  check(): boolean;
  /** Shows server field errors under their fields. */
  showErrors(fields: FieldError[], message?: string): void;
}

export interface SchemaFormModalProps {
  open: boolean;
  title: string;
  schema: JsonSchema;
  /** Values of the record being edited (EditModal); secrets are never in it. */
  record?: Record<string, unknown>;
  /** Paths of write-only values the server already holds (EditModal), e.g. ["credentials"]. */
  stored?: string[];
  /** Paths that must be entered again given the current values, with the reason. */
  mustReplace?: (values: RawValues) => Record<string, string>;
  submitLabel?: string;
  /** Above the form. */
  intro?: ComponentChildren;
  /** Below the form, e.g. a connection test using the current values. */
  extra?: (form: FormState) => ComponentChildren;
  /** Resolve nothing to close; a string or field errors keep the modal open and show them. */
  onSubmit: (payload: Record<string, unknown>) => Promise<SubmitOutcome>;
  onClose: () => void;
  id?: string;
  width?: string;
}

export function SchemaFormModal(props: SchemaFormModalProps) {
  const nodes = useMemo(() => fieldsFromJsonSchema(props.schema), [props.schema]);
  const [values, setValues] = useState<RawValues>(() => initialValues(nodes, props.record));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [replacing, setReplacing] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!props.open) return;
    setValues(initialValues(nodes, props.record));
    setErrors({});
    setReplacing(new Set());
  }, [props.open, nodes]); // only when it opens: a parent re-render must not wipe what the user typed

  const must = props.mustReplace?.(values) ?? {};
  const stored = new Set(props.stored ?? []);
  const skip = new Set([...stored].filter((p) => !replacing.has(p) && !must[p]));
  const showing = new Set([...replacing, ...Object.keys(must)]);

  const form: FormState = {
    values,
    payload: () => toPayload(nodes, values, skip),
    check() {
      const found = validateValues(nodes, values, skip);
      setErrors(found);
      return Object.keys(found).length === 0;
    },
    showErrors(fields, message) {
      const placed = placeErrors(nodes, values, fields);
      if (message && !fields.length) placed["(form)"] = message;
      setErrors(placed);
    },
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!form.check()) return;
    setBusy(true);
    try {
      const outcome = await props.onSubmit(form.payload());
      if (typeof outcome === "string") setErrors({ "(form)": outcome });
      else if (Array.isArray(outcome) && outcome.length) form.showErrors(outcome);
      else props.onClose();
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
      width={props.width}
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
        {props.intro}
        {errors["(form)"] && <p role="alert" class="field-error" data-form-error>{errors["(form)"]}</p>}
        <SchemaForm
          idPrefix={props.id ?? "field"}
          nodes={nodes}
          values={values}
          errors={errors}
          onChange={(path, v) => setValues((old) => ({ ...old, [path]: v }))}
          stored={stored}
          replacing={showing}
          mustReplace={must}
          onReplace={(path, on) =>
            setReplacing((old) => {
              const next = new Set(old);
              if (on) next.add(path);
              else next.delete(path);
              return next;
            })}
        />
        {props.extra?.(form)}
      </form>
    </Modal>
  );
}

/** Create form: starts from the schema's defaults. */
export function CreateModal(props: Omit<SchemaFormModalProps, "record" | "stored">) {
  return <SchemaFormModal {...props} submitLabel={props.submitLabel ?? "Create"} />;
}

/** Edit form: starts from the record's current values; stored secrets are write-only. */
export function EditModal(props: SchemaFormModalProps & { record: Record<string, unknown> }) {
  return <SchemaFormModal {...props} submitLabel={props.submitLabel ?? "Save"} />;
}
