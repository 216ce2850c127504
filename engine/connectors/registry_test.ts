import { assertEquals, assertThrows } from "../../tests/support/assert.ts";
import { ConnectorRegistry } from "./registry.ts";
import { createSyntheticConnector } from "./synthetic/connector.ts";
import { EngineError } from "../errors.ts";

Deno.test("registry: steps in order, duplicates and unknown types refused", () => {
  const synthetic = createSyntheticConnector();
  const reg = new ConnectorRegistry([{ ...synthetic, steps: [...synthetic.steps].reverse() }]);
  assertEquals(reg.stepKeys("synthetic"), ["synthetic_groups", "synthetic_items"]);
  assertEquals(reg.types, ["synthetic"]);
  assertThrows(() => reg.register(synthetic), "registered twice");
  const e = assertThrows(() => reg.require("fabric"), "no connector");
  assertEquals((e as EngineError).code, "connector_missing");
  assertThrows(() => new ConnectorRegistry([{ ...synthetic, steps: [] }]), "no steps");
});
