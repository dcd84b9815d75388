// Definition ↔ graph. A step is a node; each place a step leads somewhere (an outcome, a branch, "next") is a
// source handle — a slot — and its link is an edge. The definition is rebuilt from the nodes and edges alone,
// so what the admin drew is what gets saved; a definition that goes in unchanged comes out exactly the same.
import dagre from "@dagrejs/dagre";
import type { Edge, Node } from "@xyflow/react";
import type { Definition, Point, Step } from "./definition";

export type StepNode = Node<{ step: Step }, "step">;
export type LinkEdge = Edge<{ label: string }>;

export interface ProcedureGraph {
  /** The definition's own fields (key, name, parameters…), in their order; steps and layout come from the graph. */
  head: Definition;
  nodes: StepNode[];
  edges: LinkEdge[];
  /** Whether positions are saved with the definition: once the admin moves a step, or when they already were. */
  layoutKept: boolean;
}

export interface Slot { id: string; label: string }

/** Where a step can lead: outcomes for a task, branches for a decision, nothing for an end, else "next" — and for a notice
 *  the outcomes of verifying an objection to it as well (dismissed: back to the notice itself). */
export function slotsOf(step: Step): Slot[] {
  const outcomes = (prefix: string) => (step.outcomes ?? []).map((o, i) => ({ id: `outcome:${i}`, label: prefix + (o.label || o.name) }));
  switch (step.kind) {
    case "task": return outcomes("");
    case "notice": return [{ id: "next", label: "公示期满" }, ...outcomes("异议：")];
    case "decision": return (step.branches ?? []).map((b, i) => ({ id: `branch:${i}`, label: b.when ? `条件 ${i + 1}` : "否则" }));
    case "end": return [];
    default: return [{ id: "next", label: "下一步" }];
  }
}

function targetOf(step: Step, slot: string): string {
  const [kind, index] = slot.split(":");
  if (kind === "outcome") return step.outcomes?.[Number(index)]?.to ?? "";
  if (kind === "branch") return step.branches?.[Number(index)]?.to ?? "";
  return step.next ?? "";
}

function withTarget(step: Step, slot: string, to: string): Step {
  const [kind, index] = slot.split(":");
  const i = Number(index);
  if (kind === "outcome") return { ...step, outcomes: step.outcomes!.map((o, n) => (n === i ? { ...o, to } : o)) };
  if (kind === "branch") return { ...step, branches: step.branches!.map((b, n) => (n === i ? { ...b, to } : b)) };
  return { ...step, next: to };
}

export const edgeId = (source: string, slot: string) => `${source}→${slot}`;

export function linkEdge(source: Step, slot: Slot, target: string): LinkEdge {
  return {
    id: edgeId(source.id, slot.id), source: source.id, sourceHandle: slot.id, target,
    label: slot.id === "next" ? undefined : slot.label, data: { label: slot.label }, type: "smoothstep",
  };
}

/** The edges a set of steps implies, for targets that exist. */
export function edgesOf(steps: Step[]): LinkEdge[] {
  const ids = new Set(steps.map(s => s.id));
  return steps.flatMap(step => slotsOf(step)
    .map(slot => ({ slot, target: targetOf(step, slot.id) }))
    .filter(({ target }) => ids.has(target))
    .map(({ slot, target }) => linkEdge(step, slot, target)));
}

export function definitionToGraph(definition: Definition): ProcedureGraph {
  const positions = definition.layout ?? autoLayout(definition.steps);
  const fallback = definition.layout ? autoLayout(definition.steps) : positions;
  const nodes: StepNode[] = definition.steps.map(step => ({
    id: step.id, type: "step", position: positions[step.id] ?? fallback[step.id], data: { step },
  }));
  return { head: definition, nodes, edges: edgesOf(definition.steps), layoutKept: definition.layout !== undefined };
}

export function graphToDefinition(graph: ProcedureGraph): Definition {
  const steps = graph.nodes.map(node => {
    let step = node.data.step;
    for (const slot of slotsOf(step)) {
      const to = graph.edges.find(e => e.source === step.id && e.sourceHandle === slot.id)?.target ?? "";
      if (targetOf(step, slot.id) !== to) step = withTarget(step, slot.id, to);
    }
    return step;
  });
  const definition: Definition = { ...graph.head, steps };
  if (graph.layoutKept) {
    definition.layout = Object.fromEntries(graph.nodes.map(n => [n.id, { x: Math.round(n.position.x), y: Math.round(n.position.y) }]));
  } else {
    delete definition.layout;
  }
  return definition;
}

// Edits. Each keeps a step's link fields and its edges in agreement, whichever side the admin changed.

function edgesFrom(step: Step, nodes: StepNode[]): LinkEdge[] {
  const ids = new Set(nodes.map(n => n.id));
  return slotsOf(step).map(slot => ({ slot, target: targetOf(step, slot.id) }))
    .filter(({ target }) => ids.has(target)).map(({ slot, target }) => linkEdge(step, slot, target));
}

export function updateStep(graph: ProcedureGraph, step: Step): ProcedureGraph {
  const nodes = graph.nodes.map(n => (n.id === step.id ? { ...n, data: { step } } : n));
  return { ...graph, nodes, edges: [...graph.edges.filter(e => e.source !== step.id), ...edgesFrom(step, nodes)] };
}

export function connect(graph: ProcedureGraph, source: string, slot: string, target: string): ProcedureGraph {
  const node = graph.nodes.find(n => n.id === source);
  return node ? updateStep(graph, withTarget(node.data.step, slot, target)) : graph;
}

export function disconnect(graph: ProcedureGraph, edgeIds: string[]): ProcedureGraph {
  return graph.edges.filter(e => edgeIds.includes(e.id))
    .reduce((g, e) => connect(g, e.source, e.sourceHandle ?? "next", ""), graph);
}

/** Removes steps; whatever led to them is left unconnected, for the admin to reconnect (the validator says where). */
export function removeSteps(graph: ProcedureGraph, ids: string[]): ProcedureGraph {
  const nodes = graph.nodes.filter(n => !ids.includes(n.id)).map(n => {
    let step = n.data.step;
    for (const slot of slotsOf(step)) if (ids.includes(targetOf(step, slot.id))) step = withTarget(step, slot.id, "");
    return step === n.data.step ? n : { ...n, data: { step } };
  });
  return { ...graph, nodes, edges: graph.edges.filter(e => !ids.includes(e.source) && !ids.includes(e.target)) };
}

export function renameStep(graph: ProcedureGraph, from: string, to: string): ProcedureGraph {
  const nodes = graph.nodes.map(n => {
    let step = n.id === from ? { ...n.data.step, id: to } : n.data.step;
    for (const slot of slotsOf(step)) if (targetOf(step, slot.id) === from) step = withTarget(step, slot.id, to);
    return step === n.data.step ? n : { ...n, id: step.id, data: { step } };
  });
  return {
    ...graph, nodes, edges: edgesOf(nodes.map(n => n.data.step)),
    head: { ...graph.head, start: graph.head.start === from ? to : graph.head.start },
  };
}

export function addStep(graph: ProcedureGraph, kind: string, position: Point): ProcedureGraph {
  const step = newStep(kind, graph.nodes.map(n => n.data.step));
  return { ...graph, nodes: [...graph.nodes, { id: step.id, type: "step", position, data: { step } }], layoutKept: true };
}

export function relayout(graph: ProcedureGraph): ProcedureGraph {
  const positions = autoLayout(graph.nodes.map(n => n.data.step));
  return { ...graph, nodes: graph.nodes.map(n => ({ ...n, position: positions[n.id] })), layoutKept: true };
}

export const nodeSize = { width: 240, height: 96 };

/** Top-to-bottom layered layout (dagre), as officials read a procedure: first step at the top. */
export function autoLayout(steps: Step[]): Record<string, Point> {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: "TB", nodesep: 40, ranksep: 70 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const step of steps) g.setNode(step.id, { ...nodeSize });
  for (const edge of edgesOf(steps)) g.setEdge(edge.source, edge.target);
  dagre.layout(g);
  return Object.fromEntries(steps.map(step => {
    const { x, y } = g.node(step.id);
    return [step.id, { x: Math.round(x - nodeSize.width / 2), y: Math.round(y - nodeSize.height / 2) }];
  }));
}

/** A new step of a kind, with the fields its kind needs, given an id not yet used. */
export function newStep(kind: string, existing: Step[]): Step {
  const ids = new Set(existing.map(s => s.id));
  let n = existing.length + 1;
  while (ids.has(`step-${n}`)) n++;
  const id = `step-${n}`;
  switch (kind) {
    case "task": return {
      id, kind, name: "新任务", role: "township-officer", level: "township",
      deadline: { workingDays: 5, onTimeout: "remind" },
      outcomes: [{ name: "approve", label: "通过", to: "" }, { name: "reject", label: "不通过", to: "", requiresComment: true }],
    };
    case "decision": return { id, kind, name: "新判断", branches: [{ when: "data.x === true", to: "" }, { to: "" }] };
    case "notice": return { id, kind, name: "张榜公示", workingDays: 7, next: "" };
    case "timer": return { id, kind, name: "等待", workingDays: 5, next: "" };
    case "payment": return { id, kind, name: "发放", amount: "data.amount", next: "" };
    case "action": return { id, kind, name: "自动操作", action: "approve-case", next: "" };
    case "subprocedure": return { id, kind, name: "一事一议", procedure: "case-by-case", output: "caseByCase", next: "" };
    default: return { id, kind: "end", name: "办结", status: "closed" };
  }
}
