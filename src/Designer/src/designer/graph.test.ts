/// <reference types="vite/client" />
import { describe, expect, it } from "vitest";
import type { Definition } from "./definition";
import {
  addStep, connect, definitionToGraph, disconnect, edgeId, graphToDefinition, relayout, removeSteps, renameStep, updateStep,
} from "./graph";

// Every definition the project ships, read from workflows/ as the service reads them.
const shipped = Object.entries(import.meta.glob<Definition>(["../../../../workflows/**/*.json", "!**/schema/**", "!**/calendars/**"],
  { eager: true, import: "default" }));

const ningxiaDibao = shipped.find(([path]) => path.endsWith("/64/dibao.json"))![1];
const clone = <T,>(value: T): T => structuredClone(value);

describe("definition → graph → definition", () => {
  it("finds the shipped definitions", () => {
    expect(shipped.length).toBeGreaterThanOrEqual(17);
  });

  it.each(shipped.map(([path, d]) => [path.replace(/^.*workflows\//, ""), d] as const))("%s comes back byte for byte", (_, definition) => {
    const back = graphToDefinition(definitionToGraph(clone(definition)));
    expect(JSON.stringify(back)).toBe(JSON.stringify(definition));
  });

  it("keeps positions the admin set, and writes none for a definition that had none", () => {
    const graph = definitionToGraph(clone(ningxiaDibao));
    expect(graphToDefinition(graph).layout).toBeUndefined();
    const moved = { ...graph, nodes: graph.nodes.map(n => n.id === "notice" ? { ...n, position: { x: 900, y: 40 } } : n), layoutKept: true };
    const saved = graphToDefinition(moved);
    expect(saved.layout!.notice).toEqual({ x: 900, y: 40 });
    const again = definitionToGraph(saved);
    expect(again.nodes.find(n => n.id === "notice")!.position).toEqual({ x: 900, y: 40 });
    expect(JSON.stringify(graphToDefinition(again))).toBe(JSON.stringify(saved));
  });

  it("draws one edge per outcome, branch and next that leads to a step", () => {
    const graph = definitionToGraph(clone(ningxiaDibao));
    const visit = graph.edges.filter(e => e.source === "home-visit").map(e => [e.sourceHandle, e.target, e.label]);
    expect(visit).toEqual([["outcome:0", "township-review", "情况属实"], ["outcome:1", "refused", "情况不属实"]]);
    expect(graph.edges.filter(e => e.source === "disputed").map(e => e.target)).toEqual(["democratic-review", "notice"]);
    // A notice leads on when its period ends, and where the verification of an objection sends the case.
    expect(graph.edges.filter(e => e.source === "notice").map(e => [e.sourceHandle, e.target, e.label])).toEqual(
      [["next", "approval", undefined], ["outcome:0", "home-visit", "异议：异议成立，重新调查"], ["outcome:1", "notice", "异议：异议不成立，公示继续"]]);
    expect(graph.edges.some(e => e.source === "refused")).toBe(false);
  });

  it("lays the start step out above the steps it leads to", () => {
    const graph = definitionToGraph(clone(ningxiaDibao));
    const y = (id: string) => graph.nodes.find(n => n.id === id)!.position.y;
    expect(y("economic-check")).toBeLessThan(y("eligible"));
    expect(y("home-visit")).toBeLessThan(y("township-review"));
    expect(relayout(graph).layoutKept).toBe(true);
  });
});

describe("editing the graph", () => {
  it("removing a step leaves what led to it unconnected, and reconnecting mends it", () => {
    let graph = removeSteps(definitionToGraph(clone(ningxiaDibao)), ["democratic-review"]);
    let definition = graphToDefinition(graph);
    expect(definition.steps.map(s => s.id)).not.toContain("democratic-review");
    expect(definition.steps.find(s => s.id === "disputed")!.branches).toEqual([{ when: "data.disputed === true", to: "" }, { to: "notice" }]);

    graph = connect(graph, "disputed", "branch:0", "notice");
    definition = graphToDefinition(graph);
    expect(definition.steps.find(s => s.id === "disputed")!.branches![0].to).toBe("notice");
    expect(graph.edges.find(e => e.id === edgeId("disputed", "branch:0"))!.target).toBe("notice");
  });

  it("disconnecting an edge clears the outcome it drew", () => {
    const graph = disconnect(definitionToGraph(clone(ningxiaDibao)), [edgeId("home-visit", "outcome:1")]);
    expect(graphToDefinition(graph).steps.find(s => s.id === "home-visit")!.outcomes![1]).toEqual(
      { name: "refuse", label: "情况不属实", to: "", requiresComment: true });
    expect(graph.edges.some(e => e.id === edgeId("home-visit", "outcome:1"))).toBe(false);
  });

  it("changing an outcome's target in the property panel moves its edge", () => {
    const graph = definitionToGraph(clone(ningxiaDibao));
    const review = graph.nodes.find(n => n.id === "township-review")!.data.step;
    const next = updateStep(graph, { ...review, outcomes: review.outcomes!.map(o => o.name === "approve" ? { ...o, to: "notice" } : o) });
    expect(next.edges.find(e => e.id === edgeId("township-review", "outcome:0"))!.target).toBe("notice");
    expect(next.edges.filter(e => e.source === "township-review")).toHaveLength(2);
  });

  it("renaming a step renames every link to it and the start", () => {
    const graph = renameStep(definitionToGraph(clone(ningxiaDibao)), "economic-check", "data-check");
    const definition = graphToDefinition(graph);
    expect(definition.start).toBe("data-check");
    expect(definition.steps[0].id).toBe("data-check");
    const notice = renameStep(graph, "notice", "public-notice");
    const steps = graphToDefinition(notice).steps;
    expect(steps.find(s => s.id === "democratic-review")!.outcomes![0].to).toBe("public-notice");
    // Two steps lead to it, and its own dismissal of an objection leads back to it under its new name.
    expect(notice.edges.filter(e => e.target === "public-notice")).toHaveLength(3);
    expect(steps.find(s => s.id === "public-notice")!.outcomes!.find(o => o.name === "dismissed")!.to).toBe("public-notice");
  });

  it("a new step gets an unused id, the fields its kind needs, and keeps positions from then on", () => {
    const graph = addStep(definitionToGraph(clone(ningxiaDibao)), "notice", { x: 10, y: 20 });
    const added = graph.nodes.at(-1)!;
    expect(added.data.step).toEqual({ id: `step-${ningxiaDibao.steps.length + 1}`, kind: "notice", name: "张榜公示", workingDays: 7, next: "" });
    expect(graphToDefinition(graph).layout![added.id]).toEqual({ x: 10, y: 20 });
  });
});
