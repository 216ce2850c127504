// The fake Microsoft identity platform + Graph for the Entra ID connector tests (see server.ts).
export { type FakeGraph, type FakeGraphOptions, type GraphRequest, startFakeGraph } from "./server.ts";
export { FakeDirectory, fakeGuid, type FGroup, type FUser } from "./directory.ts";
