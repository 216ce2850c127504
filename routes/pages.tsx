// Server-rendered pages: sign-in, home (jobs), integrations and their custom fields, queues (admin), profile, API
// reference, sign-out and the 404 page. Pages read the database and render complete HTML; islands add behaviour where
// needed. The theme class comes from the user's saved choice.
import { Hono } from "hono";
import type { Context } from "hono";
import type { AppEnv, AuthUser } from "../server/context.ts";
import { authenticate, requirePageAuth } from "../server/auth/middleware.ts";
import { listJobCards } from "../db/jobs.ts";
import { type NavKey, Shell } from "../components/shell/Shell.tsx";
import {
  htmlPage,
  loadPageUser,
  type PageUser,
  type RenderedPage,
  renderPageParts,
  sendPage,
  shellProps,
} from "./pages/render.ts";
import { tenantViews } from "../server/cache/tenant_views.ts";
import { LoginPage } from "./pages/login.tsx";
import { homeData, HomePage } from "./pages/home.tsx";
import { ProfilePage } from "./pages/profile.tsx";
import { QueuesPage } from "./pages/queues.tsx";
import { isOperator } from "../server/auth/operator.ts";
import { installedJobTypes } from "../server/engine_services.ts";
import { queueMonitorFor } from "../server/live/queue_monitor.ts";
import { LogoutPage } from "./pages/logout.tsx";
import { integrationsData, IntegrationsPage } from "./pages/integrations.tsx";
import { customFieldsData, CustomFieldsPage } from "./pages/custom_fields.tsx";
import { ApiReferencePage } from "./pages/api_reference.tsx";
import { openApiDocument } from "../server/api/openapi.ts";
import { VERSION } from "../server/version.ts";
import { QdrantPage } from "./pages/qdrant.tsx";
import { vectorOverview } from "./app/etl/qdrant.ts";
import { NotFound } from "./pages/not_found.tsx";
import { unmappedFlowItems } from "../db/vocabulary/unmapped.ts";
import { statusesData, StatusesPage } from "./pages/vocab/statuses.tsx";
import { VOCABULARY_TITLES, vocabularyPageData, VocabularyPageView } from "./pages/vocab/vocabulary_pages.tsx";
import type { VNode } from "preact";
import { Moon, Sun } from "lucide-preact";
import ThemeToggle from "../islands/ThemeToggle.tsx";
import { rawDataSize } from "../engine/raw_retention.ts";
import { stagesWithRuns } from "../server/live/dead_letter_runs.ts";

type ShellPage = { title: string; active: NavKey; status?: 200 | 404 };
type ShellContent = (
  shell: ReturnType<typeof shellProps> & { badges: Record<string, number> },
  user: PageUser,
) => VNode;

/** A signed-in page inside the shell. */
async function shellPage(c: Context<AppEnv>, auth: AuthUser, page: ShellPage, content: ShellContent) {
  const user = await loadPageUser(c, auth);
  return sendPage(c, shellDocument(user, await shellBadges(c, auth), page, content));
}

/**
 * Counts the shell shows beside its links (unmapped statuses), kept with the tenant's job views: the flag counted
 * changes only when a run loads or re-transforms work items (its run and stage rows announce the change) or a
 * mapping changes through the API (which drops the tenant's views).
 */
function shellBadges(c: Context<AppEnv>, auth: AuthUser): Promise<Record<string, number>> {
  const { db } = c.get("deps");
  return tenantViews(db).get(auth.tenantId, "shell-badges", async () => ({
    statuses: await unmappedFlowItems(db, auth.tenantId),
  }));
}

function shellDocument(
  user: PageUser,
  badges: Record<string, number>,
  page: ShellPage,
  content: ShellContent,
): RenderedPage {
  const shell = { ...shellProps(user, page.title, page.active), badges };
  const themeToggle = (
    <ThemeToggle theme={shell.theme}>
      <Moon size={20} class="dark:hidden" aria-hidden="true" />
      <Sun size={20} class="hidden dark:block" aria-hidden="true" />
    </ThemeToggle>
  );
  return renderPageParts(<Shell {...shell} headerActions={themeToggle}>{content(shell, user)}</Shell>, {
    title: page.title,
    theme: user.theme,
    status: page.status,
  });
}

export function pageRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/login", (c) =>
    htmlPage(c, <LoginPage error={c.req.query("error")} next={c.req.query("next")} />, {
      title: "Sign in",
      theme: "system",
    }));

  // Home is rendered once per tenant and viewer until the tenant's jobs change (server/cache/tenant_views.ts): the
  // key holds everything else the page shows (the shell's user, role, theme, tenant and badge counts)
  app.get("/", requirePageAuth(), async (c) => {
    const auth = c.get("auth");
    const { db, services } = c.get("deps");
    const user = await loadPageUser(c, auth);
    const badges = await shellBadges(c, auth);
    const variant = JSON.stringify(["home", auth.userId, auth.email, auth.role, user.theme, user.tenant, badges]);
    const page = await tenantViews(db).get(auth.tenantId, variant, async () => {
      const data = await homeData(await listJobCards(db, auth.tenantId, { jobTypes: installedJobTypes(services) }));
      return shellDocument(
        user,
        badges,
        { title: "Jobs", active: "home" },
        (shell) => <HomePage data={data} role={auth.role} unmapped={shell.badges.statuses} />,
      );
    });
    return sendPage(c, page);
  });
  app.get("/home", (c) => c.redirect("/", 301));

  // Admins only; anyone else gets the 404 page, as for a page that does not exist (the sidebar hides the link too).
  app.get("/queues", requirePageAuth(), async (c) => {
    const auth = c.get("auth");
    if (auth.role !== "admin") {
      return shellPage(
        c,
        auth,
        { title: "Not found", active: "none", status: 404 },
        () => <NotFound path={c.req.path} signedIn />,
      );
    }
    const { db, services } = c.get("deps");
    const monitor = queueMonitorFor(services);
    const bare = monitor ? await monitor.view({ tenantId: auth.tenantId, operator: await isOperator(db, auth) }) : null;
    const view = bare && { ...bare, stages: await stagesWithRuns(db, auth.tenantId, bare.stages) };
    const raw = {
      ...await rawDataSize(db, auth.tenantId),
      retentionDays: c.get("deps").config.SLUICE_RAW_RETENTION_DAYS,
    };
    return shellPage(c, auth, { title: "Queues", active: "queues" }, () => <QueuesPage view={view} raw={raw} />);
  });

  app.get("/integrations", requirePageAuth(), async (c) => {
    const auth = c.get("auth");
    const { db, services } = c.get("deps");
    const data = await integrationsData(db, auth.tenantId, installedJobTypes(services));
    return shellPage(
      c,
      auth,
      { title: "Integrations", active: "integrations" },
      () => <IntegrationsPage rows={data.rows} providers={data.providers} role={auth.role} />,
    );
  });

  app.get("/integrations/:id/fields", requirePageAuth(), async (c) => {
    const auth = c.get("auth");
    const raw = c.req.param("id");
    const id = /^\d{1,9}$/.test(raw) ? Number(raw) : 0;
    const search = new URL(c.req.url).searchParams;
    const data = id ? await customFieldsData(c.get("deps").db, auth.tenantId, id, search) : null;
    if (!data) {
      return shellPage(
        c,
        auth,
        { title: "Not found", active: "integrations", status: 404 },
        () => <NotFound path={c.req.path} signedIn />,
      );
    }
    return shellPage(
      c,
      auth,
      { title: `${data.integration.name}: custom fields`, active: "integrations" },
      () => <CustomFieldsPage {...data} role={auth.role} />,
    );
  });

  app.get("/statuses", requirePageAuth(), async (c) => {
    const auth = c.get("auth");
    const data = await statusesData(c.get("deps").db, auth.tenantId, new URL(c.req.url).searchParams);
    return shellPage(
      c,
      auth,
      { title: "Statuses", active: "statuses" },
      () => <StatusesPage {...data} admin={auth.role === "admin"} />,
    );
  });

  for (const kind of ["hierarchies", "workflows", "wits"] as const) {
    app.get(`/${kind}`, requirePageAuth(), async (c) => {
      const auth = c.get("auth");
      const search = new URL(c.req.url).searchParams;
      const data = await vocabularyPageData(c.get("deps").db, auth.tenantId, kind, search);
      return shellPage(
        c,
        auth,
        { title: VOCABULARY_TITLES[kind], active: kind },
        () => <VocabularyPageView {...data} kind={kind} admin={auth.role === "admin"} />,
      );
    });
  }

  app.get("/qdrant", requirePageAuth(), async (c) => {
    const auth = c.get("auth");
    const overview = c.get("deps").services?.vectors ? await vectorOverview(c) : null;
    return shellPage(
      c,
      auth,
      { title: "Qdrant", active: "qdrant" },
      () => <QdrantPage overview={overview} role={auth.role} />,
    );
  });

  app.get("/profile", requirePageAuth(), (c) => {
    const auth = c.get("auth");
    return shellPage(
      c,
      auth,
      { title: "Profile", active: "profile" },
      (shell, user) => (
        <ProfilePage
          email={auth.email}
          role={auth.role}
          tenant={user.tenant.name}
          theme={shell.theme}
          passwordRequired={auth.mustChangePassword}
        />
      ),
    );
  });

  app.get("/api", requirePageAuth(), (c) => {
    const auth = c.get("auth");
    return shellPage(
      c,
      auth,
      { title: "API reference", active: "none" },
      () => <ApiReferencePage doc={openApiDocument(VERSION)} />,
    );
  });

  app.get("/logout", requirePageAuth(), (c) => {
    const auth = c.get("auth");
    return shellPage(c, auth, { title: "Sign out", active: "none" }, () => <LogoutPage email={auth.email} />);
  });

  // Anything else: 404, inside the shell for a signed-in user. Missing static files get a bare 404.
  app.all("*", async (c) => {
    if (c.req.path.startsWith("/static/")) return c.text("not found", 404);
    const who = await authenticate(c);
    if ("reason" in who) {
      return htmlPage(c, <NotFound path={c.req.path} signedIn={false} />, {
        title: "Not found",
        theme: "system",
        status: 404,
      });
    }
    return shellPage(
      c,
      who,
      { title: "Not found", active: "none", status: 404 },
      () => <NotFound path={c.req.path} signedIn />,
    );
  });

  return app;
}
