// Profile page: light / dark / system. Shares its signal with the header toggle (same signal on the server → one
// signal in the browser), so both always agree.
import type { Signal } from "@preact/signals";
import { chooseTheme, type Theme, THEMES } from "../components/theme.ts";

const LABELS: Record<Theme, string> = { light: "Light", dark: "Dark", system: "Same as the system" };

export default function ThemeChoice(props: { theme: Signal<Theme> }) {
  return (
    <fieldset class="flex flex-wrap gap-2" id="theme-choice">
      <legend class="sr-only">Theme</legend>
      {THEMES.map((t) => (
        <label key={t} class={`btn ${props.theme.value === t ? "border-c1 ring-1 ring-c1" : ""}`}>
          <input
            type="radio"
            name="theme"
            value={t}
            class="sr-only"
            checked={props.theme.value === t}
            onChange={() => chooseTheme(props.theme, t)}
          />
          {LABELS[t]}
        </label>
      ))}
    </fieldset>
  );
}
