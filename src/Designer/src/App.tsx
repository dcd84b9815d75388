import { lazy, Suspense, useState } from "react";
import { loadSession, saveSession, type Session } from "./api";
import { Login } from "./Login";
import { Workbench } from "./Workbench";
import { CalendarPage } from "./CalendarPage";
import { PayrollPage, payrollRoles } from "./PayrollPage";
import { dashboardRoles } from "./dashboardRoles";

// The designer (React Flow, dagre) loads only for admins: a caseworker's phone never downloads it.
const DesignerPage = lazy(() => import("./designer/DesignerPage"));
// So do the charts (recharts), for the officials who read the dashboard.
const DashboardPage = lazy(() => import("./DashboardPage"));

const designs = (session: Session) => session.user.roles.some(r => r === "province-admin" || r === "system-admin");
const keepsCalendar = (session: Session) => session.user.roles.includes("system-admin");

/** Officials land on their workbench; provincial and system admins on the designer, and may switch. */
export function App() {
  const [session, setSession] = useState<Session | null>(loadSession);
  const [view, setView] = useState<"workbench" | "designer" | "calendars" | "payroll" | "dashboard">(() => (session && designs(session) ? "designer" : "workbench"));
  const change = (next: Session | null) => {
    saveSession(next);
    setSession(next);
    setView(next && designs(next) ? "designer" : "workbench");
  };
  if (!session) return <Login onLogin={change} />;
  if (view === "dashboard") return <Suspense fallback={<p className="muted">加载中…</p>}>
      <DashboardPage session={session} onBack={() => setView("workbench")} />
    </Suspense>;
  if (view === "payroll") return <PayrollPage session={session} onBack={() => setView("workbench")} />;
  if (view === "calendars") return <CalendarPage session={session} onBack={() => setView(designs(session) ? "designer" : "workbench")} />;
  return view === "designer"
    ? <Suspense fallback={<p className="muted">加载中…</p>}>
        <DesignerPage session={session} onWorkbench={() => setView("workbench")} onLogout={() => change(null)}
                      onCalendars={keepsCalendar(session) ? () => setView("calendars") : undefined} />
      </Suspense>
    : <Workbench session={session} onLogout={() => change(null)} onDesigner={designs(session) ? () => setView("designer") : undefined}
                 onCalendars={keepsCalendar(session) ? () => setView("calendars") : undefined}
                 onPayroll={session.user.roles.some(r => payrollRoles.includes(r)) ? () => setView("payroll") : undefined}
                 onDashboard={session.user.roles.some(r => dashboardRoles.includes(r)) ? () => setView("dashboard") : undefined} />;
}
