// Text the embed stage vectorises for rows the GitHub connector loaded: a pull request as its title, repository,
// state, branches, labels, body and a summary of its commit messages (their first lines, oldest first); a
// repository as its name, description, language and topics. Tenant-scoped: another tenant's ids produce nothing.
import { compose, type EmbedQueries, embedTextFrom } from "../../common/embed_text.ts";

/** Commit headlines per PR in the summary (a PR with hundreds of commits is summarised by its first ones). */
const SUMMARY_COMMITS = 30;

const QUERIES: EmbedQueries = {
  prs: {
    sql: `SELECT p.id, p.number, p.title, p.body, p.state, p.source_branch, p.target_branch, p.labels, r.full_name,
                 (SELECT array_agg(h ORDER BY at, sha) FROM (
                    SELECT DISTINCT ON (split_part(c.message, E'\\n', 1)) split_part(c.message, E'\\n', 1) AS h,
                           c.committed_at AS at, c.external_id AS sha
                      FROM prs_commits c WHERE c.pr_id = p.id AND c.active AND c.message IS NOT NULL
                     ORDER BY split_part(c.message, E'\\n', 1), c.committed_at, c.external_id) d
                   WHERE h <> '') AS commits
            FROM prs p JOIN repositories r ON r.id = p.repository_id
           WHERE p.tenant_id = $1 AND p.id = ANY($2::bigint[])`,
    text: (r) =>
      compose([
        ["Pull Request", r.number === null ? null : `#${r.number}`],
        ["Title", r.title],
        ["Repository", r.full_name],
        ["State", r.state],
        ["Branch", r.source_branch],
        ["Target", r.target_branch],
        ["Labels", r.labels],
        ["Description", r.body],
        ["Commits", ((r.commits as string[] | null) ?? []).slice(0, SUMMARY_COMMITS).join("; ")],
      ]),
  },
  repositories: {
    sql: `SELECT id, full_name, description, language, topics FROM repositories
           WHERE tenant_id = $1 AND id = ANY($2::bigint[])`,
    text: (r) =>
      compose([["Repository", r.full_name], ["Description", r.description], ["Language", r.language], [
        "Topics",
        r.topics,
      ]]),
  },
};

export const EMBEDDABLE_TABLES = Object.keys(QUERIES);

export const githubEmbedText = embedTextFrom("GitHub", QUERIES);
