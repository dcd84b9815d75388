// A procedure definition as the service stores it (workflows/schema/procedure.schema.json). Fields the designer
// does not edit are carried through untouched, so a definition survives the designer exactly.

export interface Outcome { name: string; label?: string; to: string; requiresComment?: boolean; when?: string }
export interface Branch { when?: string; to: string }
export interface Deadline { workingDays: number; onTimeout: string; outcome?: string; escalateTo?: string }
export interface FieldRule { field: string; required?: boolean; when?: string; check?: string; message: string }

export interface Step {
  id: string;
  kind: string;
  name: string;
  role?: string;
  level?: string;
  deadline?: Deadline;
  outcomes?: Outcome[];
  form?: FieldRule[];
  branches?: Branch[];
  next?: string;
  action?: string;
  rule?: string;
  output?: string;
  value?: string;
  months?: string;
  from?: string;
  until?: string;
  amount?: string;
  period?: string;
  paidAtOnce?: boolean;
  workingDays?: number;
  procedure?: string;
  status?: string;
  reason?: string;
  [field: string]: unknown;
}

export interface Point { x: number; y: number }

export interface Definition {
  key: string;
  regionCode: string;
  name: string;
  start: string;
  steps: Step[];
  parameters?: Record<string, unknown>;
  layout?: Record<string, Point>;
  [field: string]: unknown;
}

/** One problem the service's validator found; `path` names the step by id: `steps[notice].workingDays`. */
export interface DefinitionError { path: string; message: string }
export interface ValidationReport { valid: boolean; errors: DefinitionError[] }

/** The step a validator path points at, and the field within it: `steps[a].outcomes[x].to` → ["a", "outcomes[x].to"]. */
export function locate(path: string): { step: string | null; field: string } {
  const match = /^steps\[([^\]]+)\]\.?(.*)$/.exec(path);
  return match ? { step: match[1], field: match[2] } : { step: null, field: path };
}

/** A published version as the API returns it, made back into a definition a draft can hold. */
export function fromVersion(version: Definition, regionCode: string): Definition {
  const { version: _v, publishedAt: _p, revision: _r, ...definition } = version;
  return { ...definition, regionCode } as Definition;
}
