// Default vocabulary for a new tenant (study §2): work item type hierarchy and mappings, workflow steps with one
// commitment point, status mappings, integrations and jobs.
export const HIERARCHY: Array<[number, string, string]> = [
  [4, "Capital Investment", "Capital Investment / Theme"],
  [3, "Product Objective", "Product Objective / Initiative Name"],
  [2, "Milestone", "Milestone"],
  [1, "Epic", "Big chunk of work"],
  [0, "Story", "Small chunk of work"],
  [-1, "Sub-task", "Internal Checklist Points"],
];

/** [wit_to, level, wit_from names] */
export const WIT_MAPPINGS: Array<[string, number, string[]]> = [
  ["Capital Investment", 4, ["Capital Investment"]],
  ["Product Objective", 3, ["Product Objective"]],
  ["Milestone", 2, ["Milestone"]],
  ["Epic", 1, ["Epic", "Feature"]],
  ["Story", 0, ["User Story", "Story"]],
  ["Tech Enhancement", 0, ["Devops Story", "Tech Debt", "Performance", "Security Remediation", "Tech Enhancement"]],
  ["Task", 0, [
    "Task",
    "UAT",
    "Unparented Tasks",
    "Shared Steps",
    "Educational Services",
    "Impediment",
    "Requirement",
    "Shared Parameter",
  ]],
  ["Bug", 0, ["Bug"]],
  ["Incident", 0, ["Work item", "Incident"]],
  ["Spike", 0, ["Spike"]],
  ["Defect", -1, ["Defect", "Sprint Work item"]],
  ["Sub-task", -1, ["Sub-task"]],
  ["Approval", -1, ["Approval"]],
];

/** [step_number, step_name, step_category, is_commitment_point] */
export const WORKFLOW: Array<[number | null, string, string, boolean]> = [
  [1, "Backlog", "To Do", false],
  [2, "Refinement", "To Do", false],
  [3, "Ready to Work", "To Do", false],
  [4, "To Do", "To Do", true],
  [5, "In Progress", "In Progress", false],
  [6, "Ready for Story Testing", "Waiting", false],
  [7, "Story Testing", "In Progress", false],
  [8, "Ready for Acceptance", "Waiting", false],
  [9, "Acceptance Testing", "In Progress", false],
  [10, "Ready for Prod", "Waiting", false],
  [11, "Done", "Done", false],
  [null, "Discarded", "Discarded", false],
];

/** workflow step → source status names mapped to it */
export const STATUS_MAPPINGS: Record<string, string[]> = {
  "Backlog": ["Backlog", "New", "Open", "Created"],
  "Refinement": [
    "Analysis",
    "Design",
    "Prerefinement",
    "Ready to Refine",
    "Refinement",
    "Refining",
    "Tech Review",
    "Waiting for refinement",
    "In Triage",
    "Pending Approval",
    "Discovery",
    "Composting",
    "Onboarding Templates",
    "Templates",
    "Template Approval Pending",
  ],
  "Ready to Work": [
    "Approved",
    "Ready",
    "Ready for Development",
    "Ready to Development",
    "Ready to Work",
    "Refined",
    "Proposed",
  ],
  "To Do": ["Committed", "Planned", "Selected for development", "To Do"],
  "In Progress": [
    "Active",
    "Applied to TRN",
    "Blocked",
    "Building",
    "Code Review",
    "Codereview",
    "Coding",
    "Coding Done",
    "Deployed to Dev",
    "Development",
    "In Development",
    "In Progress",
    "In Review",
    "Peer Review",
    "Pre-readiness",
    "Ready for Peer Review",
    "Ready to Dep to Dev",
    "Review",
    "Training",
    "Validated in TRN",
    "Waiting Partner",
    "On Hold",
    "Pipeline Approval Pending",
    "Merging Branches",
  ],
  "Ready for Story Testing": [
    "Ready for QA",
    "Ready for QA build",
    "Ready for Test",
    "Ready for Testing",
    "Ready for Story Testing",
    "Deploying Demo",
  ],
  "Story Testing": [
    "Applied to QA",
    "In Test",
    "In Testing",
    "Promoted to QA",
    "QA",
    "QA in Progress",
    "Test",
    "Story Testing",
    "Testing",
  ],
  "Ready for Acceptance": [
    "Ready for Uat",
    "Ready for Stage",
    "Validated in QA",
    "Ready for Demo",
    "Ready for Acceptance",
  ],
  "Acceptance Testing": [
    "Applied to STG",
    "Applied to UAT",
    "In Stage Testing",
    "Promoted to UAT",
    "Regression Testing",
    "Release Approval Pending",
    "UAT",
    "Acceptance Testing",
    "Pre Production Testing",
    "Final Checks",
    "Release Testing",
  ],
  "Ready for Prod": [
    "Deploy",
    "Deployment",
    "Ready for prod",
    "Ready for prd",
    "Ready for production",
    "Ready for Release",
    "Ready to Dep to Prod",
    "Ready to Launch",
    "Release Pending",
    "Resolved",
    "Validated in STG",
    "Validated in UAT",
    "Deploying Database",
    "Deploying Applications",
    "Awaiting Deployment",
  ],
  "Done": [
    "Applied to Prod",
    "Applied to Prod/TRN",
    "Closed",
    "Done",
    "Validated in Prod",
    "Released",
    "Deployed to Production",
    "Release Deployed",
    "Closure",
  ],
  "Discarded": ["Cancelled", "Rejected", "Removed", "Withdrawn"],
};

export interface SeedIntegration {
  provider: "jira" | "github" | "fabric" | "ad";
  name: string;
  base_url: string | null;
  logo: string;
  settings: Record<string, unknown>;
}

export const INTEGRATIONS: SeedIntegration[] = [
  { provider: "jira", name: "Jira", base_url: null, logo: "jira.svg", settings: { projects: [], overlapMinutes: 5 } },
  {
    provider: "github",
    name: "GitHub",
    base_url: "https://api.github.com",
    logo: "github.svg",
    settings: { organization: "", repositoryFilter: [] },
  },
  { provider: "fabric", name: "Microsoft Fabric", base_url: null, logo: "fabric.svg", settings: {} },
  {
    provider: "ad",
    name: "Microsoft Entra ID",
    base_url: "https://login.microsoftonline.com",
    logo: "ad.svg",
    settings: {},
  },
];

export interface SeedJob {
  name: string;
  provider: SeedIntegration["provider"];
  active: boolean;
  schedule: number;
  steps: Array<{ key: string; name: string; order: number }>;
}

export const JOBS: SeedJob[] = [
  {
    name: "Jira",
    provider: "jira",
    active: true,
    schedule: 60,
    steps: [
      { key: "jira_projects_and_issue_types", name: "Projects & Types", order: 1 },
      { key: "jira_statuses_and_relationships", name: "Statuses & Relations", order: 2 },
      { key: "jira_issues_with_changelogs", name: "Issues & Changelogs", order: 3 },
      { key: "jira_dev_status", name: "Development Status", order: 4 },
      { key: "jira_sprint_reports", name: "Sprint Reports", order: 5 },
    ],
  },
  {
    name: "GitHub",
    provider: "github",
    active: true,
    schedule: 60,
    steps: [
      { key: "github_repositories", name: "Repositories", order: 1 },
      { key: "github_prs_commits_reviews_comments", name: "PRs, Commits, Reviews & Comments", order: 2 },
      { key: "github_pr_links", name: "Jira Links", order: 3 },
    ],
  },
  {
    name: "Fabric",
    provider: "fabric",
    active: false,
    schedule: 1440,
    steps: [
      { key: "fabric_data", name: "Fabric Data", order: 1 },
      { key: "fabric_commit", name: "Commit Versions", order: 2 },
    ],
  },
  {
    name: "AD",
    provider: "ad",
    active: false,
    schedule: 720,
    steps: [
      { key: "ad_users", name: "AD Users", order: 1 },
      { key: "ad_groups", name: "Groups & Members", order: 2 },
      { key: "ad_links", name: "Identity Links", order: 3 },
    ],
  },
];

export const RETRY_MINUTES = 15;
