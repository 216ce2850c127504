// Accessibility checks in the browser tests: axe-core (from npm) injected into the page under test, run on the whole
// document, failing on any serious or critical violation with a readable list (rule, impact, the first nodes and
// axe's own summary of what to fix). `checkThemes` runs it in light and dark (switching the <html> theme class in
// place, like screenshotThemes), because contrast differs per theme.
import type { Page } from "playwright-core";
import axe from "axe-core";

interface AxeNode {
  target: string[];
  failureSummary?: string;
  html: string;
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: AxeNode[];
}

const BLOCKING = new Set(["serious", "critical"]);

/** Serious and critical violations on the page as it is now. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  const loaded = await page.evaluate(() => "axe" in globalThis);
  // evaluated through the DevTools protocol rather than added as a <script>: the pages' CSP (rightly) refuses inline
  // scripts without the page's nonce
  if (!loaded) await page.evaluate(axe.source);
  const result = await page.evaluate(async () => {
    // deno-lint-ignore no-explicit-any
    const r = await (globalThis as any).axe.run(document, { resultTypes: ["violations"] });
    // deno-lint-ignore no-explicit-any
    return r.violations.map((v: any) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      // deno-lint-ignore no-explicit-any
      nodes: v.nodes.map((n: any) => ({ target: n.target, failureSummary: n.failureSummary, html: n.html })),
    }));
  });
  return (result as AxeViolation[]).filter((v) => BLOCKING.has(v.impact ?? ""));
}

export function describeViolations(where: string, violations: AxeViolation[]): string {
  return `${where}: ${violations.length} serious/critical accessibility violation(s)\n` +
    violations.map((v) =>
      `- ${v.id} (${v.impact}): ${v.help}\n` +
      v.nodes.slice(0, 4).map((n) =>
        `    at ${n.target.join(" ")}: ${n.html.slice(0, 160)}\n      ${(n.failureSummary ?? "").replace(/\n/g, " ")}`
      ).join("\n")
    ).join("\n");
}

/** Fails when axe finds a serious or critical violation. */
export async function assertAccessible(page: Page, where: string): Promise<void> {
  const violations = await axeViolations(page);
  if (violations.length) throw new Error(describeViolations(where, violations));
}

/** assertAccessible in the light and in the dark theme (the page's theme class is restored after). */
export async function assertAccessibleThemes(page: Page, where: string): Promise<void> {
  const initial = await page.evaluate(() => document.documentElement.className);
  const problems: string[] = [];
  try {
    for (const [theme, cls] of [["light", "theme-light"], ["dark", "dark"]] as const) {
      await page.evaluate((c) => (document.documentElement.className = c), cls);
      // let CSS transitions (colours, modal fades) settle before contrast is measured
      await page.waitForTimeout(250);
      const violations = await axeViolations(page);
      if (violations.length) problems.push(describeViolations(`${where} (${theme})`, violations));
    }
  } finally {
    await page.evaluate((c) => (document.documentElement.className = c), initial);
  }
  if (problems.length) throw new Error(problems.join("\n"));
}
