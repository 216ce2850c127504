// What the Integrations page works with: one row per integration (the API's integration view plus what the page
// shows: provider title, the resolved logo, whether a connection test and a connector exist), and the providers
// offered by "New integration". Dates may arrive as ISO strings from the API: `reviveRow` turns them back.
import type { LogoInfo } from "../jobs/types.ts";

export interface LastTest {
  at: Date;
  ok: boolean;
  message: string;
  latencyMs: number | null;
}

export interface RowJob {
  id: number;
  name: string;
  active: boolean;
  status: string;
}

export interface IntegrationRowData {
  id: number;
  name: string;
  provider: string;
  providerTitle: string;
  baseUrl: string | null;
  active: boolean;
  hasCredentials: boolean;
  settings: Record<string, unknown>;
  logo: LogoInfo;
  logoFilename: string | null;
  logoId: number | null;
  lastTest: LastTest | null;
  jobs: RowJob[];
  lastSuccessAt: Date | null;
  testable: boolean;
  hasConnector: boolean | null;
}

export interface ProviderSummary {
  name: string;
  title: string;
  description: string;
  logo: LogoInfo;
  logoFile: string | null;
  hasConnector: boolean | null;
  testable: boolean;
}

/** The answer of a connection test (POST …/test). */
export interface TestAnswer {
  ok: boolean;
  error?: string;
  kind?: string;
  detail?: string;
  latencyMs?: number;
  saved?: boolean;
  user?: Record<string, unknown>;
  permissions?: Record<string, boolean>;
  details?: Record<string, unknown>;
}

const date = (v: unknown) => (v ? new Date(v as string) : null);

/** Applies an API integration view (JSON) onto a row, keeping what only the page knows. */
export function mergeRow(row: IntegrationRowData, view: Record<string, unknown>): IntegrationRowData {
  const v = view as Partial<IntegrationRowData> & { lastTest?: { at: string } | null };
  return {
    ...row,
    name: v.name ?? row.name,
    baseUrl: v.baseUrl === undefined ? row.baseUrl : v.baseUrl,
    active: v.active ?? row.active,
    hasCredentials: v.hasCredentials ?? row.hasCredentials,
    settings: v.settings ?? row.settings,
    logoFilename: v.logoFilename === undefined ? row.logoFilename : v.logoFilename,
    logoId: v.logoId === undefined ? row.logoId : v.logoId,
    logo: v.logo ?? row.logo,
    lastTest: v.lastTest === undefined ? row.lastTest : v.lastTest && { ...v.lastTest, at: date(v.lastTest.at)! },
    jobs: v.jobs ?? row.jobs,
    lastSuccessAt: v.lastSuccessAt === undefined ? row.lastSuccessAt : date(v.lastSuccessAt),
  } as IntegrationRowData;
}
