import { useEffect, useMemo, useState } from "react";
import { type Session, type Task } from "./api";
import { connectInbox } from "./live";
import { EmergencyForm, emergencyRoles } from "./EmergencyForm";
import { TaskDetail } from "./TaskDetail";
import { deadlineText, procedureLabel, provisionalHint } from "./words";

type Filter = "all" | "overdue" | "mine";

/** The inbox: live, soonest deadline first, overdue highlighted; the selected task beside it (below on a phone). */
export function Workbench({ session, onLogout, onDesigner, onCalendars, onPayroll, onDashboard }: {
  session: Session; onLogout: () => void; onDesigner?: () => void; onCalendars?: () => void; onPayroll?: () => void; onDashboard?: () => void;
}) {
  const [tasks, setTasks] = useState<Map<string, Task>>(new Map());
  const [link, setLink] = useState<"live" | "reconnecting" | "offline">("reconnecting");
  const [filter, setFilter] = useState<Filter>("all");
  const [selected, setSelected] = useState<string | null>(null);
  const [emergency, setEmergency] = useState(false);
  const mayRespond = session.user.roles.some(r => emergencyRoles.includes(r));

  useEffect(() => {
    const hub = connectInbox(session.accessToken, {
      upsert: task => setTasks(current => new Map(current).set(task.id, task)),
      remove: id => setTasks(current => { const next = new Map(current); next.delete(id); return next; }),
      resync: all => setTasks(new Map(all.map(t => [t.id, t]))),
      connection: setLink,
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
        <span className="muted">{session.user.regionCode} · {session.user.roles.join("、")}</span>
        <span className={`link ${link}`} data-testid="link">{link === "live" ? "实时" : link === "reconnecting" ? "连接中…" : "已断开"}</span>
        {mayRespond && <button className="primary" onClick={() => { setEmergency(true); setSelected(null); }}>先行救助</button>}
        {onDesigner && <button onClick={onDesigner}>流程设计</button>}
        {onCalendars && <button onClick={onCalendars}>节假日</button>}
        {onPayroll && <button onClick={onPayroll}>资金发放</button>}
        {onDashboard && <button onClick={onDashboard}>统计</button>}
        <button onClick={onLogout}>退出</button>
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
                onClick={() => { setSelected(t.id); setEmergency(false); }}>
              <div className="title">{t.name}</div>
              <div className="muted">{procedureLabel(t.procedure)} · {t.regionCode}</div>
              <div className="deadline" title={t.dueAtProvisional ? provisionalHint : undefined}>{deadlineText(t)}{t.escalated ? " · 已上报" : ""}{t.claimedBy ? ` · ${t.claimedBy} 已认领` : ""}</div>
            </li>
          ))}
        </ul>
      </section>
      {emergency && <EmergencyForm session={session} onClose={() => setEmergency(false)} />}
      {!emergency && current && <TaskDetail key={current.id} task={current} session={session} onDone={() => setSelected(null)} />}
    </div>
  );
}
