// The source connectors a crash test can run in a child process, each with the quick retries its own tests use
// (so a killed worker's retried request does not wait out production backoffs).
import type { Connector } from "../../../engine/connector.ts";
import { createJiraConnector } from "../../../engine/connectors/jira/connector.ts";
import { createEntraConnector } from "../../../engine/connectors/entra/connector.ts";
import { createFabricConnector } from "../../../engine/connectors/fabric/connector.ts";
import { FAST_HTTP } from "../../jira/support.ts";
import { FAST_ONELAKE } from "../../fabric/support.ts";

export type SourceName = "jira" | "entra" | "fabric";

export function sourceConnector(name: string): Connector {
  if (name === "jira") return createJiraConnector({ http: FAST_HTTP });
  if (name === "entra") return createEntraConnector({ http: FAST_HTTP });
  if (name === "fabric") return createFabricConnector({ onelake: FAST_ONELAKE });
  throw new Error(`CONNECTOR: unknown source ${name}`);
}
