// Shapes the vocabulary pages' islands receive (as GET /app/etl/statuses and POST /app/etl/vocabulary/preview
// answer them); islands import nothing server-side.
export interface StepRef {
  id: number;
  name: string;
  category: string;
}

export interface SourceStatusRow {
  id: number;
  integrationId: number;
  externalId: string;
  name: string;
  sourceCategory: string;
  step: StepRef | null;
  workItems: number;
}

export interface IntegrationOption {
  id: number;
  name: string;
  steps: Array<StepRef & { commitmentPoint: boolean }>;
}

interface Example {
  key: string;
  before: string | null;
  after: string | null;
}

export interface Effect {
  workItems: { count: number; examples: Example[] };
  categories: { count: number; examples: Example[] };
  steps: { count: number; examples: Example[] };
  flowMetrics: { count: number; metrics: number; examples: Array<Example & { metric: string }> };
  unmappedAfter: number;
}
