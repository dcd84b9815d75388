import { useEffect, useState } from "react";
import { ApiError, intakeRoles, request, type CaseView, type Session } from "./api";
import { ProblemView } from "./ProblemView";
import { regionPath, useRegions } from "./regions";
import { actionLabel, basisText, deadlineText, outcomeLabel, paymentStatusLabel, procedureLabel, roleLabel, statusLabel } from "./words";

interface CasePageView extends CaseView {
  benefit?: { monthlyAmount: number; from: string; until?: string | null; status: string; reason?: string | null } | null;
  complaints?: { id: string; subject: string; status: string; owner: string; dueAt: string; escalated: boolean }[];
  payments: (CaseView["payments"][number] & { period?: string; createdAt?: string })[];
}
interface AuditCheck { valid: boolean; rows: number; brokenAtVersion?: number | null }

const when = (at: string) => new Date(at).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai" });

/** 案件详情: the whole case — applicant, decision, benefit, payments, open tasks, history, complaints, its audit check —
 * and withdrawal (撤回) for the intake officials while it is open. */
export function CasePage({ session, caseId, onBack }: { session: Session; caseId: string; onBack: () => void }) {
  const token = session.accessToken;
  const regions = useRegions(session);
  const [view, setView] = useState<CasePageView | null>(null);
  const [audit, setAudit] = useState<AuditCheck | null>(null);
  const [reason, setReason] = useState("");
  const [withdrawing, setWithdrawing] = useState(false);
  const [problem, setProblem] = useState<ApiError | null>(null);

  useEffect(() => {
    request<CasePageView>("GET", `/api/cases/${caseId}`, token).then(setView).catch(setProblem);
    request<AuditCheck>("GET", `/api/cases/${caseId}/audit`, token).then(setAudit).catch(() => setAudit(null));
  }, [caseId, token]);

  const withdraw = async () => {
    setProblem(null);
    try {
      await request("POST", `/api/cases/${caseId}/withdraw`, token, { reason });
      setView(await request<CasePageView>("GET", `/api/cases/${caseId}`, token));
      setWithdrawing(false);
    } catch (err) { setProblem(err instanceof ApiError ? err : null); }
  };

  const mayWithdraw = view?.status === "open" && session.user.roles.some(r => intakeRoles.includes(r));
  return (
    <main className="page case-page">
      <header className="page-header">
        <button onClick={onBack}>← 返回</button>
        <h1>{view ? `${view.applicant.name} · ${procedureLabel(view.procedure)}` : "案件"}</h1>
      </header>
      <ProblemView problem={problem} />
      {view && (
        <div className="case-grid">
          <section aria-labelledby="case-basics">
            <h2 id="case-basics">基本情况</h2>
            <dl>
              <dt>申请人</dt><dd>{view.applicant.name}</dd>
              <dt>身份证号码</dt><dd data-testid="case-id-number">{view.applicant.idNumber}</dd>
              <dt>地区</dt><dd>{regionPath(regions, view.regionCode)}</dd>
              <dt>事项</dt><dd>{procedureLabel(view.procedure)}（第 {view.definition.version} 版）</dd>
              <dt>状态</dt><dd data-testid="case-status">{statusLabel(view.status)}</dd>
              {view.decision && <><dt>决定</dt><dd>{view.decision.approved ? "批准" : "不予救助"}
                {view.decision.amount != null ? ` · ${view.decision.amount} 元` : ""}{view.decision.reason ? ` · ${view.decision.reason}` : ""}</dd></>}
              {audit && <><dt>记录校验</dt><dd className={audit.valid ? "" : "error"} data-testid="audit">
                {audit.valid ? `完整，${audit.rows} 条记录未被改动` : `第 ${audit.brokenAtVersion} 条记录起被改动`}</dd></>}
            </dl>
            {mayWithdraw && !withdrawing && <button onClick={() => setWithdrawing(true)}>撤回申请</button>}
            {withdrawing && (
              <div className="withdraw">
                <label>撤回理由（申请人提出）<textarea value={reason} onChange={e => setReason(e.target.value)} /></label>
                <button className="danger" disabled={!reason.trim()} onClick={withdraw}>确认撤回</button>
                <button onClick={() => setWithdrawing(false)}>取消</button>
              </div>
            )}
          </section>
          <section aria-labelledby="case-tasks">
            <h2 id="case-tasks">在办环节</h2>
            {view.openTasks.length === 0 ? <p className="muted">无</p> : (
              <ul>{view.openTasks.map(t => <li key={t.id}>{t.name} · {roleLabel(t.role)} · {deadlineText(t)}</li>)}</ul>
            )}
            {view.benefit && (
              <>
                <h2>待遇</h2>
                <p>每月 {view.benefit.monthlyAmount} 元，自 {view.benefit.from}{view.benefit.until ? ` 至 ${view.benefit.until}` : ""}（{view.benefit.status}）</p>
              </>
            )}
            <h2>发放</h2>
            {view.payments.length === 0 ? <p className="muted">暂无</p> : (
              <table>
                <thead><tr><th scope="col">期次</th><th scope="col">金额</th><th scope="col">状态</th><th scope="col">计算依据</th></tr></thead>
                <tbody>{view.payments.map(p => (
                  <tr key={p.id}><td>{p.period ?? `第 ${p.instalment} 次`}</td><td>{p.amount} 元</td><td>{paymentStatusLabel(p.status)}</td>
                    <td className="muted">{basisText(p.basis)}</td></tr>
                ))}</tbody>
              </table>
            )}
            {view.complaints && view.complaints.length > 0 && (
              <>
                <h2>信访</h2>
                <ul>{view.complaints.map(c => <li key={c.id}>{c.subject} · {c.status === "replied" ? "已答复" : "办理中"} · {c.owner}{c.escalated ? " · 已上报" : ""}</li>)}</ul>
              </>
            )}
          </section>
          <section aria-labelledby="case-history" className="wide">
            <h2 id="case-history">办理记录</h2>
            <ol className="history">
              {view.history.map((h, i) => (
                <li key={i}><span className="muted">{when(h.at)}</span> {h.actor} · {actionLabel(h.action)}
                  {h.outcome ? `：${outcomeLabel(h.outcome)}` : ""}{h.comment ? `（${h.comment}）` : ""}</li>
              ))}
            </ol>
          </section>
        </div>
      )}
    </main>
  );
}
