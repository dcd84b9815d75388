import { useState, type FormEvent } from "react";
import { ApiError, request, type CaseView, type Session } from "./api";
import { deadlineText } from "./words";

export const emergencyRoles = ["emergency-responder", "township-officer", "village-caseworker"];

/** 先行救助 from the field: pay first from the township reserve fund, document later. */
export function EmergencyForm({ session, onClose }: { session: Session; onClose: () => void }) {
  const home = session.user.regionCode.length >= 9 ? session.user.regionCode : "";
  const [fields, setFields] = useState({ regionCode: home, name: "", idNumber: "", amount: "", reason: "" });
  const [problem, setProblem] = useState<ApiError | null>(null);
  const [result, setResult] = useState<CaseView | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (key: keyof typeof fields) => (e: { target: { value: string } }) => setFields({ ...fields, [key]: e.target.value });
  const fieldError = (...names: string[]) => names.flatMap(n => problem?.errors[n] ?? []).join("；");

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      setResult(await request<CaseView>("POST", "/api/emergency-aid", session.accessToken, {
        regionCode: fields.regionCode,
        applicant: { name: fields.name, idNumber: fields.idNumber },
        amount: fields.amount === "" ? null : Number(fields.amount),
        reason: fields.reason,
      }));
    } catch (err) {
      setProblem(err instanceof ApiError ? err : new ApiError(0, "无法连接服务", undefined, {}));
    } finally {
      setBusy(false);
    }
  };

  if (result) {
    const paid = result.payments.find(p => p.status === "paid");
    const next = result.openTasks[0];
    return (
      <section className="detail" aria-label="先行救助结果">
        <h2>先行救助</h2>
        <p role="status" className={paid ? "" : "overdue-text"}>
          {paid
            ? `已批准，已从备用金当场发放 ${paid.amount} 元。`
            : "金额超出乡镇审批权限，已报县级协调机制一事一议，暂未发放。"}
        </p>
        {next && <p>下一步：{next.name}，{deadlineText(next)}</p>}
        <button onClick={onClose}>关闭</button>
      </section>
    );
  }

  return (
    <section className="detail" aria-label="先行救助">
      <h2>先行救助</h2>
      <p className="muted">急难情形可先行救助，急难缓解后补齐手续。</p>
      <form onSubmit={submit}>
        <label>事发地区划代码<input name="regionCode" value={fields.regionCode} onChange={set("regionCode")} inputMode="numeric" required /></label>
        {fieldError("regionCode") && <p className="error">{fieldError("regionCode")}</p>}
        <label>救助对象姓名<input name="name" value={fields.name} onChange={set("name")} required /></label>
        {fieldError("applicant.name") && <p className="error">{fieldError("applicant.name")}</p>}
        <label>身份证号码<input name="idNumber" value={fields.idNumber} onChange={set("idNumber")} required /></label>
        {fieldError("applicant.idNumber") && <p className="error">{fieldError("applicant.idNumber")}</p>}
        <label>救助金额（元）<input name="amount" value={fields.amount} onChange={set("amount")} inputMode="decimal" required /></label>
        {fieldError("amount") && <p className="error">{fieldError("amount")}</p>}
        <label>救助事由<textarea name="reason" value={fields.reason} onChange={set("reason")} required /></label>
        {fieldError("reason") && <p className="error">{fieldError("reason")}</p>}
        {problem && Object.keys(problem.errors).length === 0 && <p className="error" role="alert">{problem.detail ?? problem.title}</p>}
        <div className="outcomes">
          <button type="submit" className="primary" disabled={busy}>先行救助并发放</button>
          <button type="button" onClick={onClose}>取消</button>
        </div>
      </form>
    </section>
  );
}
