// The fake OneLake DFS endpoint and a Delta table writer for the Fabric connector tests.
export { type FakeOneLake, startFakeOneLake } from "./server.ts";
export { DeltaTableWriter, type FieldDef, type Row } from "./delta_writer.ts";
