// Public surface of the fake Jira used by connector, engine and end-to-end tests.
export { type FakeJira, type FakeJiraOptions, type IssueChange, type LoggedRequest, startFakeJira } from "./server.ts";
export type { Fault, FaultHandle, FaultSpec } from "./faults.ts";
export {
  DEVELOPMENT_FIELD,
  SPRINT_FIELD,
  STORY_POINTS_FIELD,
  SYNTH_ISSUE_TYPES,
  SYNTH_STATUSES,
  synthesizeIssues,
  SyntheticIssues,
  type SynthOptions,
} from "./synth.ts";
export { recordedData } from "./fixtures.ts";
