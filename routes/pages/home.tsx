// Home: one card per job, rendered complete on the server from the database. Every card gets its own signal, kept in
// one map (`jobs`); the JobsLive island, rendered once with that same map, keeps the page's single WebSocket open and
// pushes live progress into the cards' signals (components/jobs/live.ts).
import { formatNumber } from "../../components/format.ts";
import { signal } from "@preact/signals";
import { Info, Play, SlidersHorizontal } from "lucide-preact";
import JobCard from "../../islands/JobCard.tsx";
import JobsLive from "../../islands/JobsLive.tsx";
import { IntegrationLogo } from "../../components/IntegrationLogo.tsx";
import type { JobSignals } from "../../components/jobs/live.ts";
import type { JobCardData, LogoInfo, Role } from "../../components/jobs/types.ts";
import type { JobCard as DbJobCard } from "../../db/jobs.ts";
import { integrationLogo } from "./logo_luminance.ts";

export interface HomeData {
  jobs: JobSignals;
  order: number[];
  logos: Record<number, LogoInfo>;
}

export async function homeData(cards: DbJobCard[]): Promise<HomeData> {
  const jobs: JobSignals = {};
  const logos: Record<number, LogoInfo> = {};
  for (const card of cards) {
    jobs[card.id] = signal<JobCardData>(card);
    logos[card.id] = await integrationLogo(card.integration.logoFilename);
  }
  return { jobs, order: cards.map((c) => c.id), logos };
}

export function HomePage(props: { data: HomeData; role: Role; unmapped?: number }) {
  const { jobs, order, logos } = props.data;
  return (
    <div class="mx-auto max-w-6xl">
      <div class="mb-5 flex flex-wrap items-start justify-between gap-3">
        <div>
          <h2 class="text-xl font-semibold">ETL jobs</h2>
          <p class="text-sm text-muted">Monitoring and control of the scheduled sync jobs</p>
        </div>
        {order.length > 0 && <JobsLive jobs={jobs} />}
      </div>
      {props.unmapped
        ? (
          <p class="card mb-5 px-5 py-3 text-sm" id="unmapped-notice" role="status">
            <span class="badge tone-failed mr-2">{formatNumber(props.unmapped)}</span>
            work items have flow metrics that pass a status with no workflow step (that time counts nowhere).{" "}
            <a href="/statuses?mapped=false" class="underline underline-offset-2">Map the statuses</a>
          </p>
        )
        : null}
      {order.length === 0
        ? <p class="card p-6 text-sm text-muted">No jobs are configured for this tenant.</p>
        : (
          <div class="space-y-3" id="job-list">
            {order.map((id) => (
              <JobCard
                key={id}
                job={jobs[id]}
                logo={<IntegrationLogo logo={logos[id]} name={jobs[id].value.integration.name} />}
                role={props.role}
                runIcon={<Play size={15} aria-hidden="true" />}
                settingsIcon={<SlidersHorizontal size={18} aria-hidden="true" />}
                detailsIcon={<Info size={18} aria-hidden="true" />}
              />
            ))}
          </div>
        )}
    </div>
  );
}
