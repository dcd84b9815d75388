// Words the officials read, one place. Outcome and status names are the API's identifiers.
import type { PaymentBasis } from "./api";

const outcomeLabels: Record<string, string> = {
  approve: "通过", reject: "不通过", confirm: "情况属实", refuse: "情况不属实",
};

export const outcomeLabel = (name: string) => outcomeLabels[name] ?? name;

/** Outcomes that refuse need the written reason the notices require (书面告知理由). */
export const needsReason = (name: string) => name === "reject" || name === "refuse";

const statusLabels: Record<string, string> = {
  open: "办理中", approved: "已批准", rejected: "不予救助", withdrawn: "已撤回", closed: "已办结",
};
export const statusLabel = (status: string) => statusLabels[status] ?? status;

const actionLabels: Record<string, string> = {
  started: "受理申请", "task-created": "生成待办", claimed: "认领", released: "释放", completed: "办理",
  reminded: "逾期催办", escalated: "逾期上报", "duplicate-check-passed": "省内查重通过",
  "payment-created": "生成发放", "no-payment": "无需发放", waiting: "等待", ended: "办结",
};
export const actionLabel = (action: string) => actionLabels[action] ?? action;

const procedureLabels: Record<string, string> = {
  "migrant-worker-aid": "未参保失业人员临时救助", dibao: "最低生活保障", "temporary-aid": "临时救助",
  tekun: "特困供养", "orphan-support": "孤儿保障",
};
export const procedureLabel = (key: string) => procedureLabels[key] ?? key;

export function deadlineText(task: { dueAt?: string | null; overdue: boolean; workingDaysLeft?: number | null }): string {
  if (!task.dueAt) return "无时限";
  const due = new Date(task.dueAt);
  // dueAt is the end of the last day (24:00 Beijing time); show that day.
  const day = new Date(due.getTime() - 1).toLocaleDateString("zh-CN", { timeZone: "Asia/Shanghai", month: "long", day: "numeric" });
  if (task.overdue) return `已逾期（${day}到期）`;
  if (task.workingDaysLeft === 0) return `今日到期（${day}）`;
  if (task.workingDaysLeft != null) return `剩 ${task.workingDaysLeft} 个工作日（${day}到期）`;
  return `${day}到期`;
}

/** How an amount was reached, from the basis the service stored with the payment: the rule, and the values it read. */
export function basisText(basis: PaymentBasis | undefined): string {
  if (!basis?.expression) return "";
  const read = (source: string, values: Record<string, unknown> | null | undefined) =>
    [...new Set([...basis.expression!.matchAll(new RegExp(`${source}\\.(\\w+)`, "g"))].map(m => m[1]))]
      .map(name => `${source}.${name} = ${JSON.stringify(values?.[name] ?? null)}`);
  const inputs = [...read("data", basis.data), ...read("params", basis.params), ...read("standard", basis.standard ?? undefined)];
  return `${basis.expression}${inputs.length ? `（${inputs.join("，")}）` : ""} = ${basis.amount} 元`;
}
