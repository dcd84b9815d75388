import { useEffect, useMemo, useState } from "react";
import { intakeRoles, request, type Session, type Task } from "./api";
import { connectInbox } from "./live";
import { EmergencyForm, emergencyRoles } from "./EmergencyForm";
import { TaskDetail } from "./TaskDetail";
import { ApplicationForm } from "./ApplicationForm";
import { regionName, regionPath, useRegions } from "./regions";
import { deadlineText, procedureLabel, provisionalHint, roleLabel } from "./words";

type Filter = "all" | "overdue" | "mine";

/** The inbox: live, soonest deadline first, overdue highlighted; the selected task beside it (below on a phone). */
export function Workbench({ session, onLogout, onDesigner, onCases, onAdmin, onPayroll, onDashboard }: {
  session: Session; onLogout: () => void; onDesigner?: () => void; onCases: (caseId?: string) => void; onAdmin?: () => void;
  onPayroll?: () => void; onDashboard?: () => void;
}) {
  const [tasks, setTasks] = useState<Map<string, Task>>(new Map());
  const [link, setLink] = useState<"live" | "reconnecting" | "offline">("reconnecting");
  const [filter, setFilter] = useState<Filter>("all");
  const [selected, setSelected] = useState<string | null>(null);
  const [emergency, setEmergency] = useState(false);
  const [applying, setApplying] = useState(false);
  const mayRespond = session.user.roles.some(r => emergencyRoles.includes(r));
  const mayAccept = session.user.roles.some(r => intakeRoles.includes(r));
  const regions = useRegions(session);

  useEffect(() => {
    const hub = connectInbox(session.accessToken, {
      // A push made where the case was not at hand carries no applicant: the row keeps the one it had.
      upsert: task => setTasks(current => new Map(current).set(task.id, { ...task, applicant: task.applicant ?? current.get(task.id)?.applicant })),
      remove: id => setTasks(current => { const next = new Map(current); next.delete(id); return next; }),
      resync: all => setTasks(new Map(all.map(t => [t.id, t]))),
      connection: state => {
        setLink(state);
        // A link the service dropped may mean the account was stopped: one request finds out (a 401 signs out).
        if (state !== "live") void request("GET", "/api/tasks?pageSize=1", session.accessToken).catch(() => undefined);
      },
    });
    return () => { void hub.stop(); };
  }, [session.accessToken]);

  const shown = useMemo(() => [...tasks.values()]
    .filter(t => filter === "all" || (filter === "overdue" ? t.overdue : t.claimedBy === session.user.username))
    .sort((a, b) => (a.dueAt ?? "9999").localeCompare(b.dueAt ?? "9999") || a.createdAt.localeCompare(b.createdAt)),
    [tasks, filter, session.user.username]);
  const current = selected ? tasks.get(selected) ?? null : null;

  return (
    <div className="workbench">
      <header>
        <strong>{session.user.displayName}</strong>
        <span className="muted">{regionName(regions, session.user.regionCode) || "全国"} · {session.user.roles.map(roleLabel).join("、")}</span>
        <span className={`link ${link}`} data-testid="link" aria-live="polite">{link === "live" ? "实时" : link === "reconnecting" ? "连接中…" : "已断开"}</span>
        <nav className="header-actions" aria-label="功能">
          {mayAccept && <button className="primary" onClick={() => { setApplying(true); setEmergency(false); setSelected(null); }}>受理申请</button>}
          {mayRespond && <button className="primary" onClick={() => { setEmergency(true); setApplying(false); setSelected(null); }}>先行救助</button>}
          <button onClick={() => onCases()}>案件查询</button>
          {onDesigner && <button onClick={onDesigner}>流程设计</button>}
          {onPayroll && <button onClick={onPayroll}>资金发放</button>}
          {onDashboard && <button onClick={onDashboard}>统计</button>}
          {onAdmin && <button onClick={onAdmin}>系统管理</button>}
          <button onClick={onLogout}>退出</button>
        </nav>
      </header>
      <section className="inbox" aria-label="待办任务">
        <nav>
          {(["all", "overdue", "mine"] as Filter[]).map(f => (
            <button key={f} aria-pressed={filter === f} onClick={() => setFilter(f)}>
              {f === "all" ? `全部 (${tasks.size})` : f === "overdue" ? "已逾期" : "我认领的"}
            </button>
          ))}
        </nav>
        {shown.length === 0 && <p className="muted">暂无待办</p>}
        <ul>
          {shown.map(t => (
            <li key={t.id} data-testid="task" data-step={t.step}
                className={[t.overdue ? "overdue" : "", t.id === selected ? "selected" : ""].join(" ")}
                onClick={() => { setSelected(t.id); setEmergency(false); setApplying(false); }}>
              {/* For the keyboard: Enter on the button is a click, which the row handles. */}
              <button className="row-button" aria-current={t.id === selected ? "true" : undefined}>
                <span className="applicant">{t.applicant ? <>{t.applicant.name} <span className="muted">{t.applicant.idNumber}</span></> : null}</span>
                <span className="title">{t.name}</span>
              </button>
              <div className="muted">{procedureLabel(t.procedure)} · {regionPath(regions, t.regionCode, session.user.regionCode)}</div>
              <div className="deadline" title={t.dueAtProvisional ? provisionalHint : undefined}>{deadlineText(t)}{t.escalated ? " · 已上报" : ""}{t.claimedBy ? ` · ${t.claimedBy} 已认领` : ""}</div>
            </li>
          ))}
        </ul>
      </section>
      {emergency && <EmergencyForm session={session} onClose={() => setEmergency(false)} />}
      {applying && <ApplicationForm session={session} onClose={() => setApplying(false)} onFiled={id => { setApplying(false); onCases(id); }} />}
      {!emergency && !applying && !current && (
        <section className="detail empty-detail" aria-label="任务详情"><p className="muted">选择一条待办查看案件并办理{mayAccept ? "，或点“受理申请”登记新的申请" : ""}。</p></section>
      )}
      {!emergency && !applying && current && <TaskDetail key={current.id} task={current} session={session} onDone={() => setSelected(null)} />}
    </div>
  );
}
