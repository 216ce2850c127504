// What every page needs around its content: the signed-in user's theme and tenant (the cached account), the shell props,
// and the document wrapper (the theme class on <html> so the first paint is already in the right theme).
import type { Context } from "hono";
import { h, type VNode } from "preact";
import { signal } from "@preact/signals";
import type { AppEnv, AuthUser } from "../../server/context.ts";
import { renderPage } from "../../server/islands/mod.ts";
import { accountCache } from "../../server/auth/account_cache.ts";
import { isTheme, type Theme, themeClass } from "../../components/theme.ts";
import type { ShellTenant } from "../../components/shell/Header.tsx";
import type { ShellProps } from "../../components/shell/Shell.tsx";

export interface PageUser {
  auth: AuthUser;
  theme: Theme;
  tenant: ShellTenant;
}

export async function loadPageUser(c: Context<AppEnv>, auth: AuthUser): Promise<PageUser> {
  // the account the request was authenticated with: normally still in memory, so no second round trip
  const found = await accountCache(c.get("deps").db).get(auth.userId);
  const row = found?.tenant_id === auth.tenantId ? found : undefined;
  return {
    auth,
    theme: isTheme(row?.theme) ? row.theme : "system",
    tenant: { name: row?.tenant_name ?? "", logoUrl: safeLogoUrl(row?.tenant_logo_url ?? null) },
  };
}

/** Tenant logos are same-site paths or https URLs; anything else falls back to the default mark. */
function safeLogoUrl(url: string | null): string | null {
  if (!url) return null;
  if (url.startsWith("/") && !url.startsWith("//")) return url;
  return /^https:\/\/[^\s"'<>]+$/.test(url) ? url : null;
}

/** Shell props for a signed-in page; `theme` is one signal shared by every island that shows or changes it. */
export function shellProps(user: PageUser, title: string, active: ShellProps["active"]): Omit<ShellProps, "children"> {
  return {
    user: { email: user.auth.email, role: user.auth.role },
    tenant: user.tenant,
    title,
    active,
    theme: signal<Theme>(user.theme),
  };
}

/**
 * Content-Security-Policy for a page: scripts only from our origin plus the page's one inline boot module (by
 * nonce), no plugins, no framing, forms and sockets only to ourselves. Inline style attributes stay allowed (progress
 * bar widths).
 */
export function pageCsp(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' https: data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** A rendered page whose CSP nonce is left open: the parts around it, joined with a fresh nonce per response. */
export interface RenderedPage {
  parts: string[];
  status: 200 | 404;
}

/**
 * Renders a page once for any number of responses (server/cache/tenant_views.ts keeps the home page): the nonce is
 * a random placeholder no page content can contain, and `sendPage` puts a fresh nonce in its place each time. (The
 * parts stay strings: the runtime encodes a string body natively, while a Uint8Array body costs two JS copies.)
 */
export function renderPageParts(
  body: VNode,
  options: { title: string; theme: Theme; status?: 200 | 404 },
): RenderedPage {
  const placeholder = newNonce();
  const html = renderPage(body, {
    nonce: placeholder,
    title: `${options.title} · Sluice`,
    htmlClass: themeClass(options.theme),
    bodyClass: "bg-page text-fg antialiased",
    head: h("link", { rel: "icon", href: "/static/favicon.svg", type: "image/svg+xml" }),
  });
  return { parts: html.split(placeholder), status: options.status ?? 200 };
}

function newNonce(): string {
  return crypto.randomUUID().replaceAll("-", "");
}

/** Answers with a rendered page under its own nonce (a new one per response, as CSP requires). */
export function sendPage(c: Context<AppEnv>, page: RenderedPage) {
  const nonce = newNonce();
  c.header("Content-Security-Policy", pageCsp(nonce));
  return c.html(page.parts.join(nonce), page.status);
}

export function htmlPage(
  c: Context<AppEnv>,
  body: VNode,
  options: { title: string; theme: Theme; status?: 200 | 404 },
) {
  return sendPage(c, renderPageParts(body, options));
}
