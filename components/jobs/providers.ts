// Display names of integration providers, for texts the browser builds (job card reasons, dialogs).
const TITLES: Record<string, string> = {
  jira: "Jira",
  github: "GitHub",
  fabric: "Microsoft Fabric",
  ad: "Microsoft Entra ID",
  synthetic: "the synthetic source",
};

export function providerTitle(provider: string): string {
  return TITLES[provider] ?? provider;
}
