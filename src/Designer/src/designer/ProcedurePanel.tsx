import { useState } from "react";
import type { Definition, DefinitionError } from "./definition";
import { fieldLabel, roleLabel, roleNames, startRouteLabel, startRoutes } from "../words";

interface StartedBy { route?: string; roles?: string[] }
interface ParameterLabel { label: string; unit?: string; help?: string }
interface FormField { field: string; label: string; type: string; required?: boolean; help?: string; unit?: string;
  options?: { value: string; label: string }[]; fields?: FormField[]; minItems?: number }
interface Intake { fields: FormField[]; members?: FormField[]; assets?: boolean }

const fieldTypes: [string, string][] = [
  ["text", "文字"], ["number", "数字"], ["integer", "整数"], ["money", "金额（元）"], ["boolean", "是/否"], ["choice", "选择"],
  ["date", "日期"], ["month", "月份"], ["idNumber", "身份证号码"], ["phone", "电话"], ["bankAccount", "银行账号"], ["list", "列表"],
];

/** The procedure's own fields: its name, where it starts, and the province's parameters (thresholds, limits…). */
export function ProcedurePanel({ head, steps, errors, onChange }: {
  head: Definition; steps: { id: string; name: string }[]; errors: DefinitionError[]; onChange: (head: Definition) => void;
}) {
  const [newName, setNewName] = useState("");
  // Identifiers (parameter names, step ids, field paths) only for those who ask: a provincial admin reads labels.
  const [advanced, setAdvanced] = useState(false);
  const stepIds = steps.map(s => s.id);
  const labels = (head.parameterLabels as Record<string, ParameterLabel> | undefined) ?? {};
  const setLabel = (name: string, next: ParameterLabel) => onChange({ ...head, parameterLabels: { ...labels, [name]: next } });
  const intake = head.intake as Intake | undefined;
  const parameters = head.parameters ?? {};
  const setParameter = (name: string, value: unknown) => onChange({ ...head, parameters: { ...parameters, [name]: value } });
  const removeParameter = (name: string) => {
    const { [name]: _, ...rest } = parameters;
    const { [name]: __, ...restLabels } = labels;
    onChange({ ...head, parameters: rest, parameterLabels: Object.keys(restLabels).length ? restLabels : undefined });
  };
  const problems = errors.filter(e => !e.path.startsWith("steps["));
  const startedBy = (head.startedBy as StartedBy | undefined) ?? {};
  const setStartedBy = (next: StartedBy) => {
    const roles = next.roles?.length ? next.roles : undefined;
    const route = next.route && next.route !== "cases" ? next.route : undefined;
    onChange({ ...head, startedBy: roles || route ? { ...(route ? { route } : {}), ...(roles ? { roles } : {}) } : undefined });
  };
  const toggleRole = (role: string, on: boolean) =>
    setStartedBy({ ...startedBy, roles: on ? [...(startedBy.roles ?? []), role] : (startedBy.roles ?? []).filter(r => r !== role) });

  return (
    <section className="panel" aria-label="流程属性">
      <h3>流程：{head.name}</h3>
      <p className="muted">选中画布上的步骤可编辑其属性；从步骤底部的连接点拖到另一步骤即可连接。</p>
      <label className="check"><input type="checkbox" checked={advanced} onChange={e => setAdvanced(e.target.checked)} /> 显示标识符（高级）</label>
      {problems.map(e => <p key={e.path + e.message} className="error" role="note">{fieldLabel(e.path)}：{e.message}</p>)}
      <label className="field"><span>流程名称</span>
        <input value={head.name} onChange={e => onChange({ ...head, name: e.target.value })} />
      </label>
      <label className="field"><span>起始步骤</span>
        <select value={head.start} onChange={e => onChange({ ...head, start: e.target.value })}>
          {!stepIds.includes(head.start) && <option value={head.start}>{head.start || "（未设）"}</option>}
          {steps.map(s => <option key={s.id} value={s.id}>{advanced ? `${s.name}（${s.id}）` : s.name}</option>)}
        </select>
      </label>
      <label className="field"><span>说明（政策依据）</span>
        <textarea rows={4} value={(head.description as string | undefined) ?? ""}
                  onChange={e => onChange({ ...head, description: e.target.value || undefined })} />
      </label>
      <fieldset>
        <legend>谁可发起</legend>
        <label className="field"><span>发起途径</span>
          <select value={startedBy.route ?? "cases"} onChange={e => setStartedBy({ ...startedBy, route: e.target.value })}>
            {startRoutes.map(r => <option key={r} value={r}>{startRouteLabel(r)}</option>)}
          </select>
        </label>
        <p className="muted">不勾选任何角色时，所有受理申请的工作人员均可发起。</p>
        {roleNames.map(role => (
          <label key={role} className="check">
            <input type="checkbox" checked={startedBy.roles?.includes(role) ?? false}
                   onChange={e => toggleRole(role, e.target.checked)} /> {roleLabel(role)}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>本省参数</legend>
        {Object.entries(parameters).map(([name, value]) => {
          const label = labels[name];
          const title = `${label?.label ?? name}${label?.unit ? `（${label.unit}）` : ""}`;
          return (
            <div className="parameter" key={name}>
              <label className="field"><span>{title}{advanced && label ? <code className="muted"> {name}</code> : null}</span>
                {typeof value === "boolean"
                  ? <input type="checkbox" checked={value} onChange={e => setParameter(name, e.target.checked)} />
                  : typeof value === "number"
                    ? <input type="number" step="any" value={value} onChange={e => setParameter(name, e.target.value === "" ? 0 : Number(e.target.value))} />
                    : <input value={typeof value === "string" ? value : JSON.stringify(value)} onChange={e => setParameter(name, e.target.value)} />}
                {label?.help && <small className="muted">{label.help}</small>}
              </label>
              {advanced && (
                <div className="parameter-label">
                  <label className="field"><span>中文名称</span><input value={label?.label ?? ""} onChange={e => setLabel(name, { ...label, label: e.target.value })} /></label>
                  <label className="field"><span>单位</span><input value={label?.unit ?? ""} onChange={e => setLabel(name, { ...label, label: label?.label ?? name, unit: e.target.value || undefined })} /></label>
                  <label className="field"><span>说明</span><input value={label?.help ?? ""} onChange={e => setLabel(name, { ...label, label: label?.label ?? name, help: e.target.value || undefined })} /></label>
                </div>
              )}
              <button aria-label={`删除参数 ${title}`} onClick={() => removeParameter(name)}>删除</button>
            </div>
          );
        })}
        <div className="parameter">
          <label className="field"><span>新参数名</span><input value={newName} onChange={e => setNewName(e.target.value)} /></label>
          <button disabled={!/^[a-zA-Z][a-zA-Z0-9]*$/.test(newName) || newName in parameters}
                  onClick={() => { setParameter(newName, 0); setNewName(""); }}>添加参数</button>
        </div>
      </fieldset>
      <IntakeEditor intake={intake} advanced={advanced} onChange={next => onChange({ ...head, intake: next })} />
    </section>
  );
}

/** 申请表: the fields the workbench asks for when a case of this procedure is filed, edited like a step's properties. */
function IntakeEditor({ intake, advanced, onChange }: { intake?: Intake; advanced: boolean; onChange: (intake: Intake | undefined) => void }) {
  const [path, setPath] = useState("data.");
  if (!intake) {
    return (
      <fieldset>
        <legend>申请表</legend>
        <p className="muted">本流程没有申请表，工作台不能直接受理（例如仅作为子流程或先行救助发起）。</p>
        <button onClick={() => onChange({ fields: [] })}>添加申请表</button>
      </fieldset>
    );
  }
  const list = (which: "fields" | "members") => (which === "fields" ? intake.fields : intake.members ?? []);
  const set = (which: "fields" | "members", fields: FormField[]) => onChange({ ...intake, [which]: fields });
  const edit = (which: "fields" | "members", i: number, next: FormField) => set(which, list(which).map((f, j) => j === i ? next : f));
  const rows = (which: "fields" | "members") => list(which).map((f, i) => (
    <div className="form-field" key={f.field} role="group" aria-label={`申请表字段 ${f.label}`}>
      <label className="field"><span>名称{advanced ? <code className="muted"> {f.field}</code> : null}</span>
        <input value={f.label} onChange={e => edit(which, i, { ...f, label: e.target.value })} /></label>
      <label className="field"><span>类型</span>
        <select value={f.type} onChange={e => edit(which, i, { ...f, type: e.target.value })}>
          {fieldTypes.map(([t, l]) => <option key={t} value={t}>{l}</option>)}
        </select></label>
      <label className="check"><input type="checkbox" checked={f.required ?? false}
        onChange={e => edit(which, i, { ...f, required: e.target.checked || undefined })} /> 必填</label>
      <label className="field"><span>填写说明</span><input value={f.help ?? ""} onChange={e => edit(which, i, { ...f, help: e.target.value || undefined })} /></label>
      {f.type === "choice" && (
        <label className="field"><span>选项（每行“值=名称”）</span>
          <textarea rows={3} defaultValue={(f.options ?? []).map(o => `${o.value}=${o.label}`).join("\n")}
            onBlur={e => edit(which, i, { ...f, options: e.target.value.split("\n").filter(line => line.trim()).map(line => {
              const [value, ...label] = line.split("=");
              return { value: value.trim(), label: (label.join("=") || value).trim() };
            }) })} /></label>
      )}
      <button aria-label={`删除字段 ${f.label}`} onClick={() => set(which, list(which).filter((_, j) => j !== i))}>删除</button>
    </div>
  ));
  return (
    <fieldset>
      <legend>申请表</legend>
      {rows("fields")}
      <div className="parameter">
        <label className="field"><span>新字段（data.名称）</span><input value={path} onChange={e => setPath(e.target.value)} /></label>
        <button disabled={!/^data\.[a-zA-Z][a-zA-Z0-9.]*$/.test(path) || intake.fields.some(f => f.field === path)}
                onClick={() => { set("fields", [...intake.fields, { field: path, label: "新字段", type: "text" }]); setPath("data."); }}>添加字段</button>
      </div>
      <label className="check"><input type="checkbox" checked={!!intake.members}
        onChange={e => onChange({ ...intake, members: e.target.checked ? intake.members ?? [
          { field: "name", label: "姓名", type: "text", required: true }, { field: "idNumber", label: "身份证号码", type: "idNumber", required: true },
          { field: "relation", label: "与申请人关系", type: "choice", required: true, options: [{ value: "self", label: "本人" }, { value: "other", label: "其他共同生活人员" }] },
        ] : undefined })} /> 填写家庭成员</label>
      {intake.members && <div className="members"><h4>每位家庭成员</h4>{rows("members")}</div>}
      <label className="check"><input type="checkbox" checked={intake.assets ?? false}
        onChange={e => onChange({ ...intake, assets: e.target.checked || undefined })} /> 填写家庭财产（现金、存款、有价证券、债权）</label>
    </fieldset>
  );
}
