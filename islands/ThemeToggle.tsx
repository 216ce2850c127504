// Header light/dark button: switches to the opposite of what is shown now and saves it. It shares its signal with
// the profile page's ThemeChoice (same signal on the server → one signal in the browser), so both always agree.
// Its icons are server JSX (children); which one shows is pure CSS (the `dark:` variant), right from the first paint.
import type { ComponentChildren } from "preact";
import type { Signal } from "@preact/signals";
import { chooseTheme, effectiveTheme, type Theme } from "../components/theme.ts";

export default function ThemeToggle(props: { theme: Signal<Theme>; children: ComponentChildren }) {
  const toggle = () => chooseTheme(props.theme, effectiveTheme(props.theme.value) === "dark" ? "light" : "dark");
  return (
    <button
      type="button"
      class="icon-btn tip"
      data-tip="Switch light / dark"
      id="theme-toggle"
      aria-label="Switch light or dark theme"
      onClick={toggle}
    >
      {props.children}
    </button>
  );
}
