import { useEffect, useState, type ReactNode } from "react";
import type { Branch, DefinitionError, Outcome, Step } from "./definition";
import type { Vocabulary } from "./definitionsApi";
import { newStep } from "./graph";
import { endStatusLabel, fieldLabel, kindLabel, levelLabel, roleLabel, stepActionLabel, timeoutLabel } from "../words";

interface Props {
  step: Step;
  steps: Step[];
  vocabulary: Vocabulary;
  procedures: string[];
  /** The procedure's parameters, which expressions read as params.name. */
  parameters: Record<string, unknown>;
  errors: DefinitionError[];
  isStart: boolean;
  onChange: (step: Step) => void;
  onRename: (id: string) => void;
  onDelete: () => void;
  onMakeStart: () => void;
}

/** Problems whose path is this field or inside it, e.g. "deadline" shows those of "deadline.workingDays". */
const under = (errors: DefinitionError[], field: string) =>
  errors.filter(e => e.path === field || e.path.startsWith(`${field}.`) || e.path.startsWith(`${field}[`));

function Field({ label, errors, children }: { label: string; errors?: DefinitionError[]; children: ReactNode }) {
  return (
    <label className={errors?.length ? "field invalid" : "field"}>
      <span>{label}</span>
      {children}
      {errors?.map(e => <small key={e.path + e.message} className="error">{e.message}</small>)}
    </label>
  );
}

const numberOrUndefined = (text: string) => (text.trim() === "" ? undefined : Number(text));

function TargetSelect({ label, value, steps, self, errors, onChange }: {
  label: string; value: string; steps: Step[]; self: string; errors: DefinitionError[]; onChange: (to: string) => void;
}) {
  return (
    <Field label={label} errors={errors}>
      <select value={value} onChange={e => onChange(e.target.value)}>
        <option value="">（未连接）</option>
        {steps.filter(s => s.id !== self).map(s => <option key={s.id} value={s.id}>{s.name}（{s.id}）</option>)}
        {value && !steps.some(s => s.id === value) && <option value={value}>{value}（不存在）</option>}
      </select>
    </Field>
  );
}

/** The property panel of one step: the fields its kind has, each input fit for its value, problems beside them. */
export function StepPanel({ step, steps, vocabulary, procedures, parameters, errors, isStart, onChange, onRename, onDelete, onMakeStart }: Props) {
  const [id, setId] = useState(step.id);
  useEffect(() => setId(step.id), [step.id]);
  const set = (patch: Partial<Step>) => onChange({ ...step, ...patch });
  const at = (field: string) => under(errors, field);
  const next = () => (
    <TargetSelect label="下一步" value={step.next ?? ""} steps={steps} self={step.id} errors={at("next")} onChange={to => set({ next: to })} />
  );

  return (
    <section className="panel" aria-label="步骤属性">
      <h3>{kindLabel(step.kind)}：{step.name}</h3>
      {errors.filter(e => e.path === "").map(e => <p key={e.message} className="error" role="note">{e.message}</p>)}
      <Field label="步骤名称" errors={at("name")}>
        <input value={step.name} onChange={e => set({ name: e.target.value })} />
      </Field>
      <Field label="步骤标识（英文）" errors={at("id")}>
        <input value={id} onChange={e => setId(e.target.value)} onBlur={() => id !== step.id && onRename(id)} />
      </Field>
      <Field label="步骤类型" errors={at("kind")}>
        <select value={step.kind} onChange={e => onChange({ ...newStep(e.target.value, steps), id: step.id, name: step.name })}>
          {vocabulary.kinds.map(k => <option key={k} value={k}>{kindLabel(k)}</option>)}
        </select>
      </Field>
      {step.kind === "task" && <TaskFields step={step} set={set} at={at} steps={steps} vocabulary={vocabulary} self={step.id} />}
      {step.kind === "decision" && <BranchFields step={step} set={set} at={at} steps={steps} />}
      {step.kind === "notice" && <>
        <Field label="公示期（工作日）" errors={at("workingDays")}>
          <input type="number" min={1} max={vocabulary.maxNoticeWorkingDays} value={step.workingDays ?? ""}
                 onChange={e => set({ workingDays: numberOrUndefined(e.target.value) })} />
        </Field>
        <Field label="公示金额（表达式，可不填）" errors={at("amount")}>
          <input className="code" value={step.amount ?? ""} onChange={e => set({ amount: e.target.value || undefined })} />
        </Field>
        {next()}
        <fieldset>
          <legend>公示异议的核实</legend>
          <Field label="受理公示异议">
            <input type="checkbox" checked={(step.outcomes ?? []).length > 0}
                   onChange={e => set(e.target.checked
                     ? { role: "township-officer", level: "township", deadline: { workingDays: 5, onTimeout: "remind" },
                         outcomes: [{ name: "upheld", label: "异议成立", to: "", requiresComment: true },
                                    { name: "dismissed", label: "异议不成立，公示继续", to: step.id, requiresComment: true }] }
                     : { role: undefined, level: undefined, deadline: undefined, outcomes: undefined })} />
          </Field>
          {(step.outcomes ?? []).length > 0 && <TaskFields step={step} set={set} at={at} steps={steps} vocabulary={vocabulary} self="" />}
        </fieldset>
      </>}
      {step.kind === "timer" && <>
        <Field label="按月等待（到下月）">
          <input type="checkbox" checked={step.period === "monthly"}
                 onChange={e => set(e.target.checked ? { period: "monthly", workingDays: undefined } : { period: undefined, months: undefined, workingDays: 5 })} />
        </Field>
        {step.period === "monthly" && (
          <Field label="等待月数（表达式，空为 1 个月）" errors={at("months")}>
            <input className="code" value={step.months ?? ""} onChange={e => set({ months: e.target.value || undefined })} />
          </Field>
        )}
        {step.period !== "monthly" && (
          <Field label="等待（工作日）" errors={at("workingDays")}>
            <input type="number" min={1} max={vocabulary.maxTimerWorkingDays} value={step.workingDays ?? ""}
                   onChange={e => set({ workingDays: numberOrUndefined(e.target.value) })} />
          </Field>
        )}
        {next()}
      </>}
      {step.kind === "payment" && <>
        <Field label="金额（表达式，元）" errors={at("amount")}>
          <input className="code" value={step.amount ?? ""} onChange={e => set({ amount: e.target.value })} />
        </Field>
        <Field label="按月发放"><input type="checkbox" checked={step.period === "monthly"} onChange={e => set({ period: e.target.checked ? "monthly" : undefined })} /></Field>
        <Field label="当场发放（备用金）"><input type="checkbox" checked={step.paidAtOnce === true} onChange={e => set({ paidAtOnce: e.target.checked || undefined })} /></Field>
        {next()}
      </>}
      {step.kind === "action" && <>
        <Field label="操作" errors={at("action")}>
          <select value={step.action ?? ""} onChange={e => set({ action: e.target.value })}>
            {vocabulary.actions.map(a => <option key={a} value={a}>{stepActionLabel(a)}</option>)}
          </select>
        </Field>
        {step.action === "apply-rule" && (
          <Field label="政策规则" errors={at("rule")}>
            <select value={step.rule ?? ""} onChange={e => set({ rule: e.target.value })}>
              <option value="">（请选择）</option>
              {vocabulary.rules.map(r => <option key={r} value={r}>{r}</option>)}
            </select>
          </Field>
        )}
        {(step.action === "apply-rule" || step.action === "assign") && (
          <Field label="结果写入字段" errors={at("output")}>
            <input value={step.output ?? ""} onChange={e => set({ output: e.target.value })} />
          </Field>
        )}
        {(step.action === "grant-benefit" || step.action === "change-benefit") && (
          <Field label="每月待遇金额（表达式，元）" errors={at("amount")}>
            <input className="code" value={step.amount ?? ""} onChange={e => set({ amount: e.target.value })} />
          </Field>
        )}
        {step.action === "grant-benefit" && <>
          <Field label="起始月份（表达式，空为当月；已过月份补发）" errors={at("from")}>
            <input className="code" value={step.from ?? ""} onChange={e => set({ from: e.target.value || undefined })} />
          </Field>
          <Field label="截止月份（表达式，空为至停发）" errors={at("until")}>
            <input className="code" value={step.until ?? ""} onChange={e => set({ until: e.target.value || undefined })} />
          </Field>
        </>}
        {step.action === "gradual-exit" && (
          <Field label="渐退月数（表达式）" errors={at("months")}>
            <input className="code" value={step.months ?? ""} onChange={e => set({ months: e.target.value })} />
          </Field>
        )}
        {step.action === "assign" && (
          <Field label="值（表达式）" errors={at("value")}>
            <input className="code" value={step.value ?? ""} onChange={e => set({ value: e.target.value })} />
          </Field>
        )}
        {next()}
      </>}
      {step.kind === "subprocedure" && <>
        <Field label="子流程" errors={at("procedure")}>
          <select value={step.procedure ?? ""} onChange={e => set({ procedure: e.target.value })}>
            <option value="">（请选择）</option>
            {procedures.map(p => <option key={p} value={p}>{p}</option>)}
          </select>
        </Field>
        <Field label="决定写入字段" errors={at("output")}>
          <input value={step.output ?? ""} onChange={e => set({ output: e.target.value })} />
        </Field>
        {next()}
      </>}
      {step.kind === "end" && <>
        <Field label="结束状态" errors={at("status")}>
          <select value={step.status ?? ""} onChange={e => set({ status: e.target.value })}>
            {vocabulary.endStatuses.map(s => <option key={s} value={s}>{endStatusLabel(s)}</option>)}
          </select>
        </Field>
        <Field label="书面理由（表达式，可不填）" errors={at("reason")}>
          <input className="code" value={step.reason ?? ""} onChange={e => set({ reason: e.target.value || undefined })} />
        </Field>
      </>}
      {["decision", "payment", "notice", "action", "end"].includes(step.kind) && <ExpressionHelp parameters={parameters} />}
      <div className="actions">
        <button onClick={onMakeStart} disabled={isStart}>{isStart ? "已是起始步骤" : "设为起始步骤"}</button>
        <button className="danger" onClick={onDelete}>删除步骤</button>
      </div>
    </section>
  );
}

type Set = (patch: Partial<Step>) => void;
type At = (field: string) => DefinitionError[];

/** A task's verifier, deadline and outcomes — a notice's objections have the same. `self`: the step an outcome may not
 *  lead back to (a task's own; a notice's dismissal leads back to the notice). */
function TaskFields({ step, set, at, steps, vocabulary, self }: {
  step: Step; set: Set; at: At; steps: Step[]; vocabulary: Vocabulary; self: string;
}) {
  const outcomes = step.outcomes ?? [];
  const setOutcome = (i: number, patch: Partial<Outcome>) => set({ outcomes: outcomes.map((o, n) => (n === i ? { ...o, ...patch } : o)) });
  const deadline = step.deadline;
  return <>
    <Field label="办理角色" errors={at("role")}>
      <select value={step.role ?? ""} onChange={e => set({ role: e.target.value })}>
        {vocabulary.roles.map(r => <option key={r} value={r}>{roleLabel(r)}</option>)}
      </select>
    </Field>
    <Field label="办理层级" errors={at("level")}>
      <select value={step.level ?? ""} onChange={e => set({ level: e.target.value })}>
        {vocabulary.levels.map(l => <option key={l} value={l}>{levelLabel(l)}</option>)}
      </select>
    </Field>
    <Field label="设办理时限">
      <input type="checkbox" checked={deadline !== undefined}
             onChange={e => set({ deadline: e.target.checked ? { workingDays: 5, onTimeout: "remind" } : undefined })} />
    </Field>
    {deadline && <>
      <Field label="办理时限（工作日）" errors={at("deadline.workingDays")}>
        <input type="number" min={1} max={vocabulary.maxDeadlineWorkingDays} value={Number.isNaN(deadline.workingDays) ? "" : deadline.workingDays}
               onChange={e => set({ deadline: { ...deadline, workingDays: numberOrUndefined(e.target.value) ?? NaN } })} />
      </Field>
      <Field label="逾期处理" errors={at("deadline.onTimeout")}>
        <select value={deadline.onTimeout} onChange={e => set({ deadline: { workingDays: deadline.workingDays, onTimeout: e.target.value } })}>
          {vocabulary.timeoutActions.map(t => <option key={t} value={t}>{timeoutLabel(t)}</option>)}
        </select>
      </Field>
      {deadline.onTimeout === "escalate" && (
        <Field label="上报给" errors={at("deadline.escalateTo")}>
          <select value={deadline.escalateTo ?? ""} onChange={e => set({ deadline: { ...deadline, escalateTo: e.target.value } })}>
            <option value="">（请选择）</option>
            {vocabulary.roles.map(r => <option key={r} value={r}>{roleLabel(r)}</option>)}
          </select>
        </Field>
      )}
      {deadline.onTimeout === "auto" && (
        <Field label="逾期自动结果" errors={at("deadline.outcome")}>
          <select value={deadline.outcome ?? ""} onChange={e => set({ deadline: { ...deadline, outcome: e.target.value } })}>
            <option value="">（请选择）</option>
            {outcomes.map(o => <option key={o.name} value={o.name}>{o.label || o.name}</option>)}
          </select>
        </Field>
      )}
    </>}
    <fieldset>
      <legend>办理结果</legend>
      {outcomes.map((o, i) => (
        <div className="item" key={i} data-testid={`outcome-${o.name}`}>
          <Field label="结果名称（英文）" errors={at(`outcomes[${o.name}]`).filter(e => !e.path.endsWith(".to") && !e.path.endsWith(".when"))}>
            <input value={o.name} onChange={e => setOutcome(i, { name: e.target.value })} />
          </Field>
          <Field label="按钮文字"><input value={o.label ?? ""} onChange={e => setOutcome(i, { label: e.target.value || undefined })} /></Field>
          <TargetSelect label={`“${o.label || o.name}”去向`} value={o.to} steps={steps} self={self}
                        errors={at(`outcomes[${o.name}].to`)} onChange={to => setOutcome(i, { to })} />
          <Field label="可选条件（表达式，不填则总可选）" errors={at(`outcomes[${o.name}].when`)}>
            <input className="code" value={o.when ?? ""} onChange={e => setOutcome(i, { when: e.target.value || undefined })} />
          </Field>
          <Field label="须填写书面理由">
            <input type="checkbox" checked={o.requiresComment === true} onChange={e => setOutcome(i, { requiresComment: e.target.checked || undefined })} />
          </Field>
          <button onClick={() => set({ outcomes: outcomes.filter((_, n) => n !== i) })}>删除此结果</button>
        </div>
      ))}
      <button onClick={() => set({ outcomes: [...outcomes, { name: `outcome-${outcomes.length + 1}`, label: "新结果", to: "" }] })}>添加办理结果</button>
    </fieldset>
  </>;
}

function BranchFields({ step, set, at, steps }: { step: Step; set: Set; at: At; steps: Step[] }) {
  const branches = step.branches ?? [];
  const setBranch = (i: number, patch: Partial<Branch>) => set({ branches: branches.map((b, n) => (n === i ? { ...b, ...patch } : b)) });
  return (
    <fieldset>
      <legend>分支（自上而下，第一个条件成立的分支生效）</legend>
      {branches.map((b, i) => (
        <div className="item" key={i}>
          <Field label={`${fieldLabel(`branches[${i}].when`)}（表达式${i === branches.length - 1 ? "，不填为“否则”" : ""}）`} errors={at(`branches[${i}].when`)}>
            <input className="code" value={b.when ?? ""} onChange={e => setBranch(i, { when: e.target.value || undefined })} />
          </Field>
          <TargetSelect label={`${fieldLabel(`branches[${i}]`)} 去向`} value={b.to} steps={steps} self={step.id}
                        errors={at(`branches[${i}].to`)} onChange={to => setBranch(i, { to })} />
          <button onClick={() => set({ branches: branches.filter((_, n) => n !== i) })}>删除此分支</button>
        </div>
      ))}
      <button onClick={() => set({ branches: [...branches, { to: "" }] })}>添加分支</button>
    </fieldset>
  );
}

/** What an expression may read, in words, with this procedure's own parameters: admins are not programmers. */
function ExpressionHelp({ parameters }: { parameters: Record<string, unknown> }) {
  return (
    <details className="help">
      <summary>表达式怎么写？</summary>
      <ul>
        <li><code>data.字段</code>：申请和办理中填写的数据，如 <code>data.amount</code>、<code>data.disputed === true</code></li>
        <li><code>params.参数</code>：本流程的参数{Object.keys(parameters).length > 0 && <>：{Object.entries(parameters).map(([name, value]) => (
          <code key={name}> params.{name}（{JSON.stringify(value)}）</code>))}</>}</li>
        <li><code>standard.urbanMonthly</code>、<code>standard.ruralMonthly</code>：当地城市、农村低保标准（元/月）</li>
        <li><code>payments.count</code>：本案已发放次数</li>
        <li>比较用 <code>===</code>、<code>&lt;=</code>，并且用 <code>&amp;&amp;</code>，或者用 <code>||</code>；例如 <code>data.amount &lt;= params.townshipLimit</code></li>
      </ul>
    </details>
  );
}
