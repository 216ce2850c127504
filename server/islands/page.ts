// Full HTML documents for pages. The stylesheet link is always there; the island state and the one module script
// are added only when the page rendered at least one island, so a page without islands ships no JavaScript.
import type { ComponentChildren } from "preact";
import { renderToString } from "preact-render-to-string";
import { STATE_SCRIPT_ID } from "./format.ts";
import { escapeJsonForScript } from "./serialize.ts";
import { type IslandComponent, type IslandRef, renderWithIslands } from "./ssr.ts";
import { log } from "../../lib/log.ts";

export interface PageOptions {
  title: string;
  /** `<html lang>`, default "en". */
  lang?: string;
  /** Extra head content (meta tags, preloads); rendered server-side, islands are not detected here. */
  head?: ComponentChildren;
  htmlClass?: string;
  bodyClass?: string;
  /** CSP nonce for the inline module script (pair with `script-src 'nonce-…'`). */
  nonce?: string;
}

export interface PageAssets {
  registry: ReadonlyMap<IslandComponent, IslandRef>;
  cssHref: string | null;
  bootUrl: string;
}

const warned = new Set<string>();

export function renderDocument(assets: PageAssets, body: unknown, options: PageOptions): string {
  const rendered = renderWithIslands(body, assets.registry);
  for (const warning of rendered.warnings) {
    if (warned.has(warning)) continue;
    warned.add(warning);
    log.warn("invalid HTML nesting around an island", { problem: warning, page: options.title });
  }
  const head = [
    `<meta charset="utf-8">`,
    `<meta name="viewport" content="width=device-width, initial-scale=1">`,
    `<title>${escapeHtml(options.title)}</title>`,
  ];
  if (assets.cssHref) head.push(`<link rel="stylesheet" href="${escapeHtml(assets.cssHref)}">`);
  let scripts = "";
  if (rendered.islands.length) {
    for (const url of [assets.bootUrl, ...new Set(rendered.islands.map((i) => i.chunkUrl))]) {
      head.push(`<link rel="modulepreload" href="${escapeHtml(url)}">`);
    }
    const nonce = options.nonce ? ` nonce="${escapeHtml(options.nonce)}"` : "";
    scripts = `<script type="application/json" id="${STATE_SCRIPT_ID}">` +
      `${escapeJsonForScript(JSON.stringify(rendered.state))}</script>` +
      `<script type="module"${nonce}>${bootModule(assets.bootUrl, rendered.islands)}</script>`;
  }
  if (options.head !== undefined) head.push(renderToString(options.head as never));
  const htmlClass = options.htmlClass ? ` class="${escapeHtml(options.htmlClass)}"` : "";
  const bodyClass = options.bodyClass ? ` class="${escapeHtml(options.bodyClass)}"` : "";
  return `<!DOCTYPE html><html lang="${escapeHtml(options.lang ?? "en")}"${htmlClass}><head>${head.join("")}</head>` +
    `<body${bodyClass}>${rendered.html}${rendered.templates}${scripts}</body></html>`;
}

/** `import {boot} …; import {X as I0} …; boot({"Name": I0, …})` — only the chunks this page uses. */
export function bootModule(bootUrl: string, islands: readonly IslandRef[]): string {
  let code = `import{boot}from${jsString(bootUrl)};`;
  islands.forEach((island, i) => {
    const name = /^[A-Za-z_$][\w$]*$/.test(island.exportName) ? island.exportName : jsString(island.exportName);
    code += `import{${name} as I${i}}from${jsString(island.chunkUrl)};`;
  });
  return code + `boot({${islands.map((island, i) => `${jsString(island.name)}:I${i}`).join(",")}});`;
}

function jsString(value: string): string {
  return escapeJsonForScript(JSON.stringify(value));
}

export function escapeHtml(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}
