// Profile: change the password (POST /auth/password). A first admin with a one-time password is sent here by the
// page guard and cannot use anything else until it is changed; afterwards the session continues on a new token.
import { useState } from "preact/hooks";
import { apiCall, fieldMap } from "../components/api.ts";
import { showToast } from "../components/ui/toasts.ts";

const MIN_LENGTH = 12;
type Field = "currentPassword" | "newPassword" | "confirm";

function checkPasswords(current: string, next: string, confirm: string): Partial<Record<Field, string>> {
  const errors: Partial<Record<Field, string>> = {};
  if (!current) errors.currentPassword = "required";
  if (next.length < MIN_LENGTH) errors.newPassword = `must be at least ${MIN_LENGTH} characters`;
  else if (next === current) errors.newPassword = "must differ from the current password";
  if (confirm !== next) errors.confirm = "does not match the new password";
  return errors;
}

export default function PasswordForm(props: { required: boolean }) {
  const [values, setValues] = useState<Record<Field, string>>({ currentPassword: "", newPassword: "", confirm: "" });
  const [errors, setErrors] = useState<Partial<Record<Field | "form", string>>>({});
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    const found = checkPasswords(values.currentPassword, values.newPassword, values.confirm);
    setErrors(found);
    if (Object.keys(found).length) return;
    setBusy(true);
    const res = await apiCall("/auth/password", {
      body: { currentPassword: values.currentPassword, newPassword: values.newPassword },
    });
    setBusy(false);
    if (!res.ok) {
      const fields = fieldMap(res.error.fields);
      return setErrors({ ...fields, form: res.error.fields?.length ? undefined : res.error.message });
    }
    setValues({ currentPassword: "", newPassword: "", confirm: "" });
    if (props.required) return location.assign("/");
    showToast("success", "Password changed");
  };

  const field = (name: Field, label: string, autocomplete: string) => (
    <div>
      <label for={`pw-${name}`} class="mb-1 block text-sm font-medium">{label}</label>
      <input
        id={`pw-${name}`}
        type="password"
        class="input"
        autocomplete={autocomplete}
        value={values[name]}
        aria-invalid={errors[name] ? "true" : undefined}
        onInput={(e) => setValues({ ...values, [name]: (e.currentTarget as HTMLInputElement).value })}
      />
      {errors[name] && <p class="field-error" id={`pw-${name}-error`}>{errors[name]}</p>}
    </div>
  );

  return (
    <form class="grid max-w-md gap-4" onSubmit={submit} noValidate id="password-form">
      {errors.form && <p role="alert" class="field-error">{errors.form}</p>}
      {field("currentPassword", "Current password", "current-password")}
      {field("newPassword", `New password (at least ${MIN_LENGTH} characters)`, "new-password")}
      {field("confirm", "Repeat the new password", "new-password")}
      <div>
        <button type="submit" class="btn btn-primary" disabled={busy}>{busy ? "Saving…" : "Change password"}</button>
      </div>
    </form>
  );
}
