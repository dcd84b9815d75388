import { useEffect, useState } from "react";
import { ApiError, request, type CaseView, type Session, type Task } from "./api";
import { ProblemView } from "./ProblemView";
import {
  actionLabel, basisText, deadlineText, provisionalHint, needsReason, outcomeLabel, paymentStatusLabel, procedureLabel, statusLabel,
} from "./words";

/** One task: its case, history and the amount's explanation; claim/release; the outcome buttons. */
export function TaskDetail({ task, session, onDone }: { task: Task; session: Session; onDone: () => void }) {
  const [view, setView] = useState<CaseView | null>(null);
  const [comment, setComment] = useState("");
  const [amount, setAmount] = useState("");
  const [bankAccount, setBankAccount] = useState("");
  const [problem, setProblem] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const token = session.accessToken;

  useEffect(() => {
    request<CaseView>("GET", `/api/cases/${task.caseId}`, token).then(setView).catch(setProblem);
  }, [task.caseId, task.status, token]);

  const act = async (path: string, body?: unknown, done = false) => {
    setBusy(true);
    setProblem(null);
    try {
      const result = await request<unknown>("POST", `/api/tasks/${task.id}/${path}`, token, body ?? {});
      if (done) onDone(); else if (result && (result as CaseView).history) setView(result as CaseView);
    } catch (err) {
      setProblem(err instanceof ApiError ? err : new ApiError(0, "无法连接服务", undefined, {}));
    } finally {
      setBusy(false);
    }
  };

  const complete = (outcome: string) => act("complete", {
    outcome,
    comment: comment.trim() || undefined,
    data: outcome === "approve" && amount ? { amount: Number(amount) }
      : outcome === "corrected" ? { bankAccount: bankAccount.replace(/\s/g, "") } : undefined,
  }, true);

  const mine = task.claimedBy === session.user.username;
  return (
    <section className="detail" aria-label="任务详情">
      <h2>{task.name}</h2>
      <p className={task.overdue ? "overdue-text" : "muted"}>{deadlineText(task)}</p>
      {task.dueAtProvisional && <p className="muted" data-testid="provisional">{provisionalHint}</p>}
      {view && (
        <>
          <dl>
            <dt>事项</dt><dd>{procedureLabel(view.procedure)}（第 {view.definition.version} 版）</dd>
            <dt>申请人</dt><dd>{view.applicant.name} · {view.applicant.idNumber}</dd>
            <dt>状态</dt><dd>{statusLabel(view.status)}</dd>
            {typeof view.data?.requestedAmount === "number" && <><dt>申请金额</dt><dd>{view.data.requestedAmount} 元</dd></>}
          </dl>
          {view.payments.length > 0 && (
            <div className="payments">
              <h3>发放</h3>
              {view.payments.map(p => (
                <p key={p.id}>{p.amount} 元（{paymentStatusLabel(p.status)}）<br /><span className="muted">计算依据：{basisText(p.basis)}</span></p>
              ))}
            </div>
          )}
          <h3>办理记录</h3>
          <ol className="history">
            {view.history.map((h, i) => (
              <li key={i}>
                <span className="muted">{new Date(h.at).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai" })}</span>{" "}
                {h.actor} · {actionLabel(h.action)}{h.outcome ? `：${outcomeLabel(h.outcome)}` : ""}{h.comment ? `（${h.comment}）` : ""}
              </li>
            ))}
          </ol>
        </>
      )}
      <div className="actions">
        {!task.claimedBy && <button disabled={busy} onClick={() => act("claim")}>认领</button>}
        {mine && <button disabled={busy} onClick={() => act("release")}>释放</button>}
        {task.claimedBy && !mine && <p className="muted">已由 {task.claimedBy} 认领</p>}
        <label>办理意见<textarea name="comment" value={comment} onChange={e => setComment(e.target.value)} placeholder="不予救助时须写明理由" /></label>
        {task.outcomes.includes("approve") && (
          <label>核定金额（元）<input name="amount" inputMode="decimal" value={amount} onChange={e => setAmount(e.target.value)} /></label>
        )}
        {task.outcomes.includes("corrected") && (
          <label>更正后的银行账号<input name="bankAccount" inputMode="numeric" value={bankAccount} onChange={e => setBankAccount(e.target.value)} /></label>
        )}
        <div className="outcomes">
          {task.outcomes.map(o => (
            <button key={o} disabled={busy || (task.claimedBy != null && !mine) || (needsReason(o) && !comment.trim())}
                    className={needsReason(o) ? "secondary" : "primary"} onClick={() => complete(o)}>
              {outcomeLabel(o)}
            </button>
          ))}
        </div>
        <ProblemView problem={problem} />
      </div>
    </section>
  );
}
