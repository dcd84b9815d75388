// Words the officials read, one place. Outcome and status names are the API's identifiers.
import type { PaymentBasis } from "./api";

const outcomeLabels: Record<string, string> = {
  approve: "通过", reject: "不通过", confirm: "情况属实", refuse: "情况不属实", corrected: "已更正账户",
};

export const outcomeLabel = (name: string) => outcomeLabels[name] ?? name;

/** Outcomes that refuse need the written reason the notices require (书面告知理由). */
export const needsReason = (name: string) => name === "reject" || name === "refuse";

const statusLabels: Record<string, string> = {
  open: "办理中", approved: "已批准", rejected: "不予救助", withdrawn: "已撤回", closed: "已办结",
};
export const statusLabel = (status: string) => statusLabels[status] ?? status;

const paymentStatusLabels: Record<string, string> = {
  pending: "待发送", sent: "已送银行", paid: "已到账", failed: "发放失败", cancelled: "已取消",
};
export const paymentStatusLabel = (status: string) => paymentStatusLabels[status] ?? status;

const runStatusLabels: Record<string, string> = {
  draft: "待审核", approved: "已审核", sent: "已送银行", reconciled: "已对账",
};
export const runStatusLabel = (status: string) => runStatusLabels[status] ?? status;

const actionLabels: Record<string, string> = {
  started: "受理申请", "task-created": "生成待办", claimed: "认领", released: "释放", completed: "办理",
  reminded: "逾期催办", escalated: "逾期上报", "duplicate-check-passed": "省内查重通过",
  "payment-created": "生成发放", "no-payment": "无需发放", waiting: "等待", ended: "办结",
  "paid-at-once": "备用金当场发放", "reserve-fund-insufficient": "备用金不足，转县级发放", "bank-payment-failed": "银行代发失败",
  "deadline-recomputed": "按新节假日重算时限", "benefit-granted": "纳入保障", "benefit-changed": "调整待遇",
  "benefit-gradual-exit": "渐退", "benefit-ended": "停发待遇",
};
export const actionLabel = (action: string) => actionLabels[action] ?? action;

const procedureLabels: Record<string, string> = {
  "migrant-worker-aid": "未参保失业人员临时救助", dibao: "最低生活保障", "temporary-aid": "临时救助",
  tekun: "特困供养", "orphan-support": "孤儿保障", "emergency-aid": "先行救助", "epidemic-patient-aid": "新冠肺炎患者救助",
  "case-by-case": "一事一议", "price-subsidy": "价格临时补贴",
};
export const procedureLabel = (key: string) => procedureLabels[key] ?? key;

type Deadline = { dueAt?: string | null; dueAtProvisional?: boolean; overdue: boolean; workingDaysLeft?: number | null };

/** The deadline as an official reads it; a provisional one (a year without holiday data, counted Monday–Friday) says so. */
export function deadlineText(task: Deadline): string {
  const text = deadlineDays(task);
  return task.dueAt && task.dueAtProvisional ? `${text}（暂定）` : text;
}

export const provisionalHint = "该年度放假安排尚未导入，时限暂按周一至周五计算，导入后自动重算";

function deadlineDays(task: Deadline): string {
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

// The designer's words: step kinds, roles, levels and the fields of a definition.

const kindLabels: Record<string, string> = {
  task: "人工办理", decision: "自动判断", action: "自动操作", payment: "资金发放", timer: "等待",
  notice: "张榜公示", subprocedure: "子流程", end: "结束",
};
export const kindLabel = (kind: string) => kindLabels[kind] ?? kind;

const stepActionLabels: Record<string, string> = {
  "verify-unique": "省内查重", "approve-case": "批准", "apply-rule": "按政策规则计算", assign: "赋值",
  "grant-benefit": "纳入保障（按月待遇）", "change-benefit": "调整待遇金额", "gradual-exit": "渐退", "end-benefit": "停发待遇",
};
export const stepActionLabel = (action: string) => stepActionLabels[action] ?? action;

const roleLabels: Record<string, string> = {
  "village-caseworker": "村（居）协理员", "township-officer": "乡镇（街道）经办人", "township-approver": "乡镇（街道）审批人",
  "county-officer": "县级民政经办人", "county-approver": "县级民政审批人", "committee-member": "协调机制成员",
  "finance-officer": "财务人员", "emergency-responder": "先行救助人员", "province-admin": "省级管理员", "system-admin": "系统管理员",
};
export const roleLabel = (role: string) => roleLabels[role] ?? role;
export const roleNames = Object.keys(roleLabels);

const startRouteLabels: Record<string, string> = {
  cases: "窗口受理（一门受理）", "emergency-aid": "仅先行救助", "sub-procedure": "仅作为其他流程的子流程",
};
export const startRouteLabel = (route: string) => startRouteLabels[route] ?? route;
export const startRoutes = Object.keys(startRouteLabels);

const levelLabels: Record<string, string> = {
  province: "省级", city: "市级", county: "县级", township: "乡镇（街道）", village: "村（社区）",
};
export const levelLabel = (level: string) => levelLabels[level] ?? level;

const timeoutLabels: Record<string, string> = { remind: "催办", escalate: "上报上级", auto: "自动办理" };
export const timeoutLabel = (action: string) => timeoutLabels[action] ?? action;

const endStatusLabels: Record<string, string> = { approved: "批准", rejected: "不予救助", withdrawn: "撤回", closed: "办结" };
export const endStatusLabel = (status: string) => endStatusLabels[status] ?? status;

const fieldLabels: Record<string, string> = {
  name: "名称", kind: "类型", role: "办理角色", level: "办理层级", "deadline.workingDays": "办理时限（工作日）",
  "deadline.onTimeout": "逾期处理", "deadline.escalateTo": "上报给", "deadline.outcome": "逾期自动结果",
  workingDays: "期限（工作日）", next: "下一步", amount: "金额（表达式）", action: "操作", rule: "政策规则",
  output: "结果写入", value: "值（表达式）", months: "月数", from: "起始月份", until: "截止月份", period: "周期", paidAtOnce: "当场发放", procedure: "子流程",
  status: "结束状态", reason: "理由（表达式）", start: "起始步骤", description: "说明", oncePer: "唯一性",
  startedBy: "谁可发起", "startedBy.route": "发起途径", "startedBy.roles": "可发起的角色",
  to: "去向", when: "条件", label: "按钮文字", requiresComment: "须填写理由", check: "校验", message: "提示",
};

/** A definition path in words: `outcomes[approve].to` → "结果 approve 去向"; `parameters.x` → "参数 x". */
export function fieldLabel(path: string): string {
  if (fieldLabels[path]) return fieldLabels[path];
  const parameter = /^parameters\.(.+)$/.exec(path);
  if (parameter) return `参数 ${parameter[1]}`;
  const item = /^(outcomes|branches|form|rules)\[([^\]]+)\]\.?(.*)$/.exec(path);
  if (item) {
    const [, list, key, rest] = item;
    const what = list === "outcomes" ? `结果 ${key}` : list === "branches" ? `分支 ${Number(key) + 1}` : list === "form" ? `表单校验 ${key}` : `申请校验 ${key}`;
    return rest ? `${what} ${fieldLabels[rest] ?? rest}` : what;
  }
  return path;
}
