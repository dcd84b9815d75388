import { useEffect, useMemo, useState, type FormEvent } from "react";
import { ApiError, request, type CaseView, type Session } from "./api";
import { idNumberProblem } from "./idNumber";
import { ProblemView } from "./ProblemView";
import { regionPath, useRegions } from "./regions";

/** A field of a definition's application form (its `intake`), as the service checks it too. */
export interface FormField {
  field: string; label: string; type: string; required?: boolean; help?: string; unit?: string;
  options?: { value: string; label: string }[]; min?: number; max?: number; fields?: FormField[]; minItems?: number;
}
interface Intake { fields: FormField[]; members?: FormField[]; assets?: boolean }
interface Definition { key: string; name: string; regionCode: string; intake?: Intake; startedBy?: { route?: string } }

type Values = Record<string, unknown>;
const assetNames: [string, string][] = [["cash", "现金"], ["deposits", "存款"], ["securities", "有价证券"], ["claims", "债权"]];

/** Digits as a Chinese input method may give them (２０００, １２．５) read as the digits they are. */
const halfWidth = (text: string) => text.replace(/[０-９．]/g, c => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).trim();
const isNumeric = (field: FormField) => ["number", "integer", "money"].includes(field.type);

/** What the field holds as the official typed it, in the JSON the service reads (numbers as numbers, ticks as booleans,
 * list items field by field). Text that is no number goes as text, so the service refuses it rather than reading nothing. */
function parse(field: FormField, value: unknown): unknown {
  if (field.type === "boolean") return value === true;
  if (field.type === "list" && Array.isArray(value)) {
    return value.map(item => Object.fromEntries((field.fields ?? []).map(part => [part.field, parse(part, (item as Values)[part.field])])));
  }
  if (typeof value !== "string") return value;
  const text = halfWidth(value);
  if (text === "") return undefined;
  if (isNumeric(field)) return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
  return text;
}

/** The problem the official can see before sending (the service decides; this only saves a round trip). */
function localProblem(field: FormField, text: unknown): string | null {
  if (field.type === "idNumber" && typeof text === "string" && text !== "") return idNumberProblem(text);
  if (isNumeric(field) && typeof text === "string" && text.trim() !== "") {
    const typed = halfWidth(text);
    if (!/^-?\d+(\.\d+)?$/.test(typed)) return "应为数字";
    const n = Number(typed);
    if (field.type === "integer" && !Number.isInteger(n)) return "应为整数";
    if (field.type === "money" && !/^\d+(\.\d{1,2})?$/.test(typed)) return "应为不小于 0、最多两位小数的金额";
    if (field.min != null && n < field.min) return `不能小于 ${field.min}${field.unit ?? ""}`;
    if (field.max != null && n > field.max) return `不能大于 ${field.max}${field.unit ?? ""}`;
  }
  return null;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown) {
  const parts = path.split(".");
  let node = target;
  for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
  if (value === undefined) delete node[parts[parts.length - 1]]; else node[parts[parts.length - 1]] = value;
}

/** One input for one declared field; its label, unit, help and the service's or the browser's problem beside it. */
function Input({ field, id, value, onChange, problem }: {
  field: FormField; id: string; value: unknown; onChange: (v: unknown) => void; problem?: string;
}) {
  const local = localProblem(field, value);
  const shown = problem ?? (field.type === "idNumber" && typeof value === "string" && value.length >= 18 ? local : field.type !== "idNumber" ? local : null);
  const help = [field.help, field.type === "idNumber" && typeof value === "string" && value && local && value.length < 18 ? local : null].filter(Boolean).join(" · ");
  const describedBy = `${id}-note`;
  const label = <>{field.label}{field.unit ? `（${field.unit}）` : ""}{field.required && <span aria-hidden="true" className="required"> *</span>}</>;
  let control;
  if (field.type === "boolean") {
    return (
      <div className="field">
        <label className="check"><input id={id} type="checkbox" checked={value === true} onChange={e => onChange(e.target.checked)}
               aria-describedby={describedBy} /> {label}</label>
        <p id={describedBy} className={shown ? "error" : "muted"}>{shown ?? field.help}</p>
      </div>
    );
  }
  if (field.type === "choice") {
    control = (
      <select id={id} value={typeof value === "string" ? value : ""} onChange={e => onChange(e.target.value)}
              required={field.required} aria-invalid={!!shown} aria-describedby={describedBy}>
        <option value="">请选择</option>
        {field.options?.map(o => <option key={o.value} value={o.value}>{o.label}</option>)}
      </select>
    );
  } else {
    const type = field.type === "date" ? "date" : field.type === "month" ? "month" : field.type === "phone" ? "tel" : "text";
    const mode = ["number", "integer", "money"].includes(field.type) ? (field.type === "integer" ? "numeric" : "decimal")
      : ["idNumber", "bankAccount"].includes(field.type) ? "numeric" : undefined;
    control = <input id={id} type={type} inputMode={mode} value={typeof value === "string" ? value : ""} onChange={e => onChange(e.target.value)}
                     required={field.required} aria-invalid={!!shown} aria-describedby={describedBy}
                     maxLength={field.type === "idNumber" ? 18 : undefined} autoComplete="off" />;
  }
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {control}
      <p id={describedBy} className={shown ? "error" : "muted"}>{shown ?? help}</p>
    </div>
  );
}

/** 申请受理: the procedures that start at the window in the official's region, each with the form its definition declares. */
export function ApplicationForm({ session, onFiled, onClose }: { session: Session; onFiled: (caseId: string) => void; onClose: () => void }) {
  const token = session.accessToken;
  const regions = useRegions(session);
  const [definitions, setDefinitions] = useState<Definition[]>([]);
  const [key, setKey] = useState("");
  const [region, setRegion] = useState(session.user.regionCode);
  const [applicant, setApplicant] = useState({ name: "", idNumber: "" });
  const [values, setValues] = useState<Values>({});
  const [members, setMembers] = useState<Values[]>([{ relation: "self" }]);
  const [assets, setAssets] = useState<Values>({});
  const [problem, setProblem] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    (async () => {
      const list = await request<{ key: string; publishedVersion?: number }[]>("GET", "/api/definitions", token);
      const keys = [...new Set(list.filter(d => d.publishedVersion).map(d => d.key))];
      const resolved = await Promise.all(keys.map(k =>
        request<Definition>("GET", `/api/definitions/${k}?region=${session.user.regionCode}`, token).catch(() => null)));
      setDefinitions(resolved.filter((d): d is Definition => !!d && !!d.intake && (d.startedBy?.route ?? "cases") === "cases"));
    })().catch(err => setProblem(err instanceof ApiError ? err : null));
  }, [token, session.user.regionCode]);

  const definition = definitions.find(d => d.key === key);
  const intake = definition?.intake;
  const villages = useMemo(() => [...regions.values()].filter(r => r.code.startsWith(session.user.regionCode) && r.code.length >= 9),
    [regions, session.user.regionCode]);
  const error = (path: string) => problem?.errors[path]?.join("；");

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!intake) return;
    setBusy(true);
    setProblem(null);
    const body: Record<string, unknown> = { procedure: key, regionCode: region, applicant: { ...applicant }, data: {} };
    for (const field of intake.fields) setPath(body, field.field, parse(field, values[field.field]));
    if (intake.members) {
      body.household = {
        members: members.map((m, i) => {
          const member: Record<string, unknown> = {};
          for (const field of intake.members!) member[field.field] = parse(field, m[field.field]);
          if (i === 0) { member.name = applicant.name; member.idNumber = applicant.idNumber; member.relation = "self"; }
          return member;
        }),
        ...(intake.assets ? { assets: Object.fromEntries(assetNames.map(([n]) => [n, parse({ field: n, label: n, type: "money" }, assets[n]) ?? 0])) } : {}),
      };
    }
    try {
      const filed = await request<CaseView>("POST", "/api/cases", token, body);
      onFiled(filed.id);
    } catch (err) {
      setProblem(err instanceof ApiError ? err : new ApiError(0, "无法连接服务", undefined, {}));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="detail application" aria-label="受理申请">
      <h2>受理申请</h2>
      <form onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor="procedure">救助事项</label>
          <select id="procedure" value={key} onChange={e => { setKey(e.target.value); setValues({}); setProblem(null); }} required>
            <option value="">请选择</option>
            {definitions.map(d => <option key={d.key} value={d.key}>{d.name}</option>)}
          </select>
        </div>
        {intake && (
          <>
            <div className="field">
              <label htmlFor="regionCode">申请人户籍或居住地</label>
              <select id="regionCode" value={region} onChange={e => setRegion(e.target.value)}>
                {villages.length === 0 && <option value={region}>{regionPath(regions, region)}</option>}
                {villages.map(v => <option key={v.code} value={v.code}>{regionPath(regions, v.code, session.user.regionCode)}</option>)}
              </select>
              {error("regionCode") && <p className="error">{error("regionCode")}</p>}
            </div>
            <fieldset>
              <legend>申请人</legend>
              <Input id="applicant-name" field={{ field: "applicant.name", label: "申请人姓名", type: "text", required: true }}
                     value={applicant.name} onChange={v => setApplicant({ ...applicant, name: String(v) })} problem={error("applicant.name")} />
              <Input id="applicant-idNumber" field={{ field: "applicant.idNumber", label: "申请人身份证号码", type: "idNumber", required: true }}
                     value={applicant.idNumber} onChange={v => setApplicant({ ...applicant, idNumber: String(v).toUpperCase() })}
                     problem={error("applicant.idNumber")} />
              {intake.fields.filter(f => f.field.startsWith("applicant.")).map(f => (
                <Input key={f.field} id={f.field} field={f} value={values[f.field]} onChange={v => setValues({ ...values, [f.field]: v })} problem={error(f.field)} />
              ))}
            </fieldset>
            <fieldset>
              <legend>申请内容</legend>
              {intake.fields.filter(f => !f.field.startsWith("applicant.")).map(f => f.type === "list"
                ? <ListInput key={f.field} field={f} value={(values[f.field] as Values[] | undefined) ?? []}
                             onChange={v => setValues({ ...values, [f.field]: v })} error={error} />
                : <Input key={f.field} id={f.field} field={f} value={values[f.field]} onChange={v => setValues({ ...values, [f.field]: v })} problem={error(f.field)} />)}
            </fieldset>
            {intake.members && (
              <fieldset>
                <legend>家庭成员（共同生活的家庭成员，含申请人本人）</legend>
                {error("household.members") && <p className="error">{error("household.members")}</p>}
                {members.map((m, i) => (
                  <div key={i} className="member" role="group" aria-label={`家庭成员 ${i + 1}`}>
                    <h4>{i === 0 ? "成员 1：申请人本人" : `成员 ${i + 1}`}</h4>
                    {intake.members!.filter(f => i > 0 || !["name", "idNumber", "relation"].includes(f.field)).map(f => (
                      <Input key={f.field} id={`member-${i}-${f.field}`} field={f} value={m[f.field]}
                             onChange={v => setMembers(members.map((x, j) => j === i ? { ...x, [f.field]: v } : x))}
                             problem={error(`household.members[${i}].${f.field}`)} />
                    ))}
                    {i > 0 && <button type="button" className="secondary" onClick={() => setMembers(members.filter((_, j) => j !== i))}>删除成员 {i + 1}</button>}
                  </div>
                ))}
                <button type="button" onClick={() => setMembers([...members, {}])}>添加家庭成员</button>
              </fieldset>
            )}
            {intake.assets && (
              <fieldset>
                <legend>家庭财产（元）</legend>
                {assetNames.map(([n, label]) => (
                  <Input key={n} id={`asset-${n}`} field={{ field: n, label, type: "money", unit: "元" }} value={assets[n]}
                         onChange={v => setAssets({ ...assets, [n]: v })} problem={error(`household.assets.${n}`)} />
                ))}
              </fieldset>
            )}
            <ProblemView problem={problem} beside />
            <div className="outcomes">
              <button type="submit" className="primary" disabled={busy}>提交申请</button>
              <button type="button" onClick={onClose}>取消</button>
            </div>
          </>
        )}
      </form>
    </section>
  );
}

/** A declared list (e.g. the witnesses): one row of its item fields per entry, as many as the official adds. */
function ListInput({ field, value, onChange, error }: {
  field: FormField; value: Values[]; onChange: (v: Values[]) => void; error: (path: string) => string | undefined;
}) {
  const rows: Values[] = value.length >= (field.minItems ?? 1) ? value : [...value, ...Array.from({ length: (field.minItems ?? 1) - value.length }, (): Values => ({}))];
  return (
    <div className="field list" role="group" aria-label={field.label}>
      <p><strong>{field.label}</strong>{field.help ? <span className="muted">（{field.help}）</span> : null}</p>
      {error(field.field) && <p className="error">{error(field.field)}</p>}
      {rows.map((row, i) => (
        <div key={i} className="list-row">
          {field.fields?.map(part => (
            <Input key={part.field} id={`${field.field}-${i}-${part.field}`} field={{ ...part, label: `${part.label} ${i + 1}` }} value={row[part.field]}
                   onChange={v => onChange(rows.map((r, j) => j === i ? { ...r, [part.field]: v } : r))}
                   problem={error(`${field.field}[${i}].${part.field}`)} />
          ))}
        </div>
      ))}
      <button type="button" onClick={() => onChange([...rows, {}])}>添加{field.label}</button>
    </div>
  );
}
