// Builds a GitHubClient for an integration from its stored base URL, settings and decrypted credentials. Shared by
// the connector (runs) and the connection test, so both talk to GitHub the same way.
import { GitHubClient, type GitHubHttpOptions } from "./client.ts";
import { GitHubConfigError, type GitHubSettings, organizationLogins, readGitHubCredentials } from "../settings.ts";

export function githubClientFor(
  baseUrl: string | null,
  settings: GitHubSettings,
  credentials: unknown,
  http: GitHubHttpOptions = {},
): GitHubClient {
  if (!baseUrl) throw new GitHubConfigError("the GitHub integration has no API URL");
  return new GitHubClient({
    baseUrl,
    credentials: readGitHubCredentials(credentials),
    owners: organizationLogins(settings.organization),
    installationId: settings.installationId,
    http: { pacer: { ratePerSecond: settings.requestsPerSecond }, ...http },
  });
}
