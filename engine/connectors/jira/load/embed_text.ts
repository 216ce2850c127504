// Text the embed stage vectorises for rows the Jira connector loaded: "Label: value" fields joined by single
// spaces, empty fields skipped (study §7.2), with the mapped vocabulary (type, status, workflow step) added so a
// search for "in progress bugs" finds them. Tenant-scoped: ids of another tenant produce nothing.
import { compose, type EmbedQueries, embedTextFrom } from "../../common/embed_text.ts";

const QUERIES: EmbedQueries = {
  work_items: {
    sql: `SELECT wi.id, wi.key, wi.summary, wi.description, wi.priority, wi.labels, wi.components, wi.team,
                 w.original_name AS wit, wm.wit_to, s.original_name AS status, sm.status_to,
                 p.key AS project_key, p.name AS project, a.display_name AS assignee
            FROM work_items wi
            LEFT JOIN wits w ON w.id = wi.wit_id LEFT JOIN wits_mappings wm ON wm.id = w.wits_mapping_id
            LEFT JOIN statuses s ON s.id = wi.status_id LEFT JOIN statuses_mappings sm ON sm.id = s.status_mapping_id
            LEFT JOIN projects p ON p.id = wi.project_id LEFT JOIN identities a ON a.id = wi.assignee_id
           WHERE wi.tenant_id = $1 AND wi.id = ANY($2::bigint[])`,
    text: (r) =>
      compose([
        ["Key", r.key],
        ["Summary", r.summary],
        ["Type", r.wit_to ?? r.wit],
        ["Status", r.status_to ?? r.status],
        ["Project", r.project],
        ["Priority", r.priority],
        ["Assignee", r.assignee],
        ["Team", r.team],
        ["Labels", r.labels],
        ["Components", r.components],
        ["Description", r.description],
      ]),
  },
  projects: {
    sql: "SELECT id, key, name, project_type FROM projects WHERE tenant_id = $1 AND id = ANY($2::bigint[])",
    text: (r) => compose([["Key", r.key], ["Name", r.name], ["Project Type", r.project_type]]),
  },
  wits: {
    sql: `SELECT w.id, w.original_name, w.description, m.wit_to FROM wits w
            LEFT JOIN wits_mappings m ON m.id = w.wits_mapping_id WHERE w.tenant_id = $1 AND w.id = ANY($2::bigint[])`,
    text: (r) => compose([["Work Item Type", r.original_name], ["Maps To", r.wit_to], ["Description", r.description]]),
  },
  statuses: {
    sql: `SELECT s.id, s.original_name, s.category, s.description, m.status_to FROM statuses s
            LEFT JOIN statuses_mappings m ON m.id = s.status_mapping_id
           WHERE s.tenant_id = $1 AND s.id = ANY($2::bigint[])`,
    text: (r) =>
      compose([["Status", r.original_name], ["Category", r.category], ["Workflow Step", r.status_to], [
        "Description",
        r.description,
      ]]),
  },
  sprints: {
    sql: `SELECT id, name, state, goal, velocity, completion_percentage, scope_change_count, carry_over_count
            FROM sprints WHERE tenant_id = $1 AND id = ANY($2::bigint[])`,
    text: (r) =>
      compose([
        ["Sprint", r.name],
        ["State", r.state],
        ["Goal", r.goal],
        ["Velocity", r.velocity],
        ["Completion %", r.completion_percentage === null ? null : Math.round(Number(r.completion_percentage))],
        ["Scope Changes", r.scope_change_count],
        ["Carry Over Items", r.carry_over_count],
      ]),
  },
};

export const EMBEDDABLE_TABLES = Object.keys(QUERIES);

export const jiraEmbedText = embedTextFrom("Jira", QUERIES);
