// Theme choice shared by the header toggle and the profile page. The server renders <html class> from the saved
// choice (no flash); in the browser a change swaps the class at once and is saved with PUT /app/etl/me/theme.
import type { Signal } from "@preact/signals";
import { apiCall } from "./api.ts";
import { showToast } from "./ui/toasts.ts";

export type Theme = "light" | "dark" | "system";
export const THEMES: Theme[] = ["light", "dark", "system"];

/** <html> class per choice; `theme-system` lets the CSS follow prefers-color-scheme, so no script decides. */
export function themeClass(theme: Theme): string {
  return theme === "dark" ? "dark" : theme === "light" ? "theme-light" : "theme-system";
}

export function isTheme(value: unknown): value is Theme {
  return value === "light" || value === "dark" || value === "system";
}

function applyThemeClass(theme: Theme) {
  const root = document.documentElement;
  root.classList.remove("dark", "theme-light", "theme-system");
  root.classList.add(themeClass(theme));
}

/** The theme the user sees now (resolves "system" through the media query). */
export function effectiveTheme(theme: Theme): "light" | "dark" {
  if (theme !== "system") return theme;
  return globalThis.matchMedia?.("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

/** Applies and saves a theme; on failure puts the previous one back and says why. */
export async function chooseTheme(current: Signal<Theme>, next: Theme): Promise<void> {
  const previous = current.value;
  if (previous === next) return;
  current.value = next;
  applyThemeClass(next);
  const saved = await apiCall<{ theme: Theme }>("/app/etl/me/theme", { method: "PUT", body: { theme: next } });
  if (!saved.ok) {
    current.value = previous;
    applyThemeClass(previous);
    showToast("error", `Theme not saved: ${saved.error.message}`);
  }
}
