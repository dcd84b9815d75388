import { useState } from "react";
import type { Definition, DefinitionError } from "./definition";
import { fieldLabel, roleLabel, roleNames, startRouteLabel, startRoutes } from "../words";

interface StartedBy { route?: string; roles?: string[] }

/** The procedure's own fields: its name, where it starts, and the province's parameters (thresholds, limits…). */
export function ProcedurePanel({ head, stepIds, errors, onChange }: {
  head: Definition; stepIds: string[]; errors: DefinitionError[]; onChange: (head: Definition) => void;
}) {
  const [newName, setNewName] = useState("");
  const parameters = head.parameters ?? {};
  const setParameter = (name: string, value: unknown) => onChange({ ...head, parameters: { ...parameters, [name]: value } });
  const removeParameter = (name: string) => {
    const { [name]: _, ...rest } = parameters;
    onChange({ ...head, parameters: rest });
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
      {problems.map(e => <p key={e.path + e.message} className="error" role="note">{fieldLabel(e.path)}：{e.message}</p>)}
      <label className="field"><span>流程名称</span>
        <input value={head.name} onChange={e => onChange({ ...head, name: e.target.value })} />
      </label>
      <label className="field"><span>起始步骤</span>
        <select value={head.start} onChange={e => onChange({ ...head, start: e.target.value })}>
          {!stepIds.includes(head.start) && <option value={head.start}>{head.start || "（未设）"}</option>}
          {stepIds.map(id => <option key={id} value={id}>{id}</option>)}
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
        {Object.entries(parameters).map(([name, value]) => (
          <div className="parameter" key={name}>
            <label className="field"><span>{name}</span>
              {typeof value === "boolean"
                ? <input type="checkbox" checked={value} onChange={e => setParameter(name, e.target.checked)} />
                : typeof value === "number"
                  ? <input type="number" step="any" value={value} onChange={e => setParameter(name, e.target.value === "" ? 0 : Number(e.target.value))} />
                  : <input value={typeof value === "string" ? value : JSON.stringify(value)} onChange={e => setParameter(name, e.target.value)} />}
            </label>
            <button aria-label={`删除参数 ${name}`} onClick={() => removeParameter(name)}>删除</button>
          </div>
        ))}
        <div className="parameter">
          <label className="field"><span>新参数名</span><input value={newName} onChange={e => setNewName(e.target.value)} /></label>
          <button disabled={!/^[a-zA-Z][a-zA-Z0-9]*$/.test(newName) || newName in parameters}
                  onClick={() => { setParameter(newName, 0); setNewName(""); }}>添加参数</button>
        </div>
      </fieldset>
    </section>
  );
}
