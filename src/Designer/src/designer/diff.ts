// A readable difference between two versions of a procedure, in the words an admin uses: which steps were
// added or removed, and which fields of which step changed from what to what. Positions are not a change.
import type { Definition, Step } from "./definition";
import { fieldLabel, kindLabel } from "../words";

export interface Change { kind: "added" | "removed" | "changed"; step?: string; text: string }

type Flat = Map<string, unknown>;

function flatten(value: unknown, prefix: string, out: Flat): Flat {
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      const key = item && typeof item === "object" && typeof (item as { name?: unknown }).name === "string"
        ? (item as { name: string }).name : String(i);
      flatten(item, `${prefix}[${key}]`, out);
    });
    if (value.length === 0) out.set(prefix, "（无）");
  } else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.set(prefix, value);
  }
  return out;
}

const show = (value: unknown) => (value === undefined ? "（无）" : typeof value === "string" ? value || "（空）" : JSON.stringify(value));

function fieldChanges(before: unknown, after: unknown, prefix = ""): { field: string; from: unknown; to: unknown }[] {
  const a = flatten(before, prefix, new Map());
  const b = flatten(after, prefix, new Map());
  return [...new Set([...a.keys(), ...b.keys()])]
    .filter(field => JSON.stringify(a.get(field)) !== JSON.stringify(b.get(field)))
    .map(field => ({ field, from: a.get(field), to: b.get(field) }));
}

const stepTitle = (step: Step) => `「${step.name}」(${step.id})`;

export function diffDefinitions(before: Definition, after: Definition): Change[] {
  const changes: Change[] = [];
  const { steps: stepsA, layout: _la, version: _va, publishedAt: _pa, ...headA } = before;
  const { steps: stepsB, layout: _lb, version: _vb, publishedAt: _pb, ...headB } = after;
  for (const c of fieldChanges(headA, headB))
    changes.push({ kind: "changed", text: `${fieldLabel(c.field)}：${show(c.from)} → ${show(c.to)}` });
  const byId = (steps: Step[]) => new Map(steps.map(s => [s.id, s]));
  const a = byId(stepsA);
  const b = byId(stepsB);
  for (const step of stepsA) if (!b.has(step.id))
    changes.push({ kind: "removed", step: step.id, text: `删除步骤 ${stepTitle(step)}` });
  for (const step of stepsB) {
    const old = a.get(step.id);
    if (!old) {
      changes.push({ kind: "added", step: step.id, text: `新增步骤 ${stepTitle(step)}（${kindLabel(step.kind)}）` });
      continue;
    }
    for (const c of fieldChanges(old, step))
      changes.push({ kind: "changed", step: step.id, text: `步骤 ${stepTitle(step)} ${fieldLabel(c.field)}：${show(c.from)} → ${show(c.to)}` });
  }
  return changes;
}
