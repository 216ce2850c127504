// The connectors a production instance runs with (tests add the synthetic one themselves).
import type { Connector } from "../connector.ts";
import { jiraConnector } from "./jira/connector.ts";
import { githubConnector } from "./github/connector.ts";
import { entraConnector } from "./entra/connector.ts";
import { fabricConnector } from "./fabric/connector.ts";

export function productionConnectors(): Connector[] {
  return [jiraConnector, githubConnector, entraConnector, fabricConnector];
}
