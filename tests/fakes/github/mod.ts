// The fake GitHub for connector tests and benches (see server.ts).
export { type FakeGitHub, type FakeGitHubOptions, type GitHubFault, startFakeGitHub } from "./server.ts";
export { GitHubStore } from "./store.ts";
export type { FActor, FCommit, FPullRequest, FRepository } from "./store.ts";
export { addSynthetic, SYNTH_NOW, type SynthOptions, synthUsers } from "./synth.ts";
export { type RecordedPr, recording } from "./recorded.ts";
