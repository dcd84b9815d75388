import { Handle, Position, type NodeProps } from "@xyflow/react";
import type { Step } from "./definition";
import { slotsOf, type StepNode } from "./graph";
import { endStatusLabel, kindLabel, levelLabel, procedureLabel, roleLabel, stepActionLabel, timeoutLabel } from "../words";

export type DrawnStep = StepNode & { data: StepNode["data"] & { errors: string[]; isStart: boolean } };

/** What an official would want to read on the card: who acts, and how long they have. */
function summary(step: Step): string {
  switch (step.kind) {
    case "task": {
      const who = `${levelLabel(step.level ?? "")} · ${roleLabel(step.role ?? "")}`;
      const deadline = step.deadline ? ` · ${step.deadline.workingDays} 个工作日，逾期${timeoutLabel(step.deadline.onTimeout)}` : "";
      return who + deadline;
    }
    case "notice": return `公示 ${step.workingDays ?? "?"} 个工作日`;
    case "timer": return step.period === "monthly" ? "等到下月" : `等待 ${step.workingDays ?? "?"} 个工作日`;
    case "payment": return `金额：${step.amount ?? ""}${step.period === "monthly" ? "（按月）" : ""}`;
    // Words on the card; the identifiers are in the step's properties (and the definition's JSON).
    case "action": return stepActionLabel(step.action ?? "");
    case "subprocedure": return `子流程：${procedureLabel(step.procedure ?? "")}`;
    case "end": return endStatusLabel(step.status ?? "");
    default: return "";
  }
}

/** A step on the canvas: its kind, name and summary, its problems, and one handle per place it leads. */
export function StepNodeView({ data, selected }: NodeProps<DrawnStep>) {
  const { step, errors, isStart } = data;
  const slots = slotsOf(step);
  return (
    <div className={`step-node kind-${step.kind}${errors.length ? " invalid" : ""}${selected ? " selected" : ""}`}
         data-testid={`step-${step.id}`} title={errors.join("\n")}>
      <Handle type="target" position={Position.Top} id="in" />
      <div className="kind">{kindLabel(step.kind)}{isStart ? " · 起始" : ""}</div>
      <div className="name">{step.name}</div>
      <div className="summary">{summary(step)}</div>
      {errors.length > 0 && <div className="node-error" data-testid="node-error">⚠ {errors[0]}{errors.length > 1 ? `（另 ${errors.length - 1} 项）` : ""}</div>}
      {slots.length > 1 && (
        <div className="slots">{slots.map(slot => <span key={slot.id}>{slot.label}</span>)}</div>
      )}
      {slots.map((slot, i) => (
        <Handle key={slot.id} type="source" position={Position.Bottom} id={slot.id} title={slot.label}
                style={{ left: `${((i + 0.5) / slots.length) * 100}%` }} />
      ))}
    </div>
  );
}
