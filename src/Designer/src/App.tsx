import { lazy, Suspense, useEffect, useState } from "react";
import { loadSession, saveSession, sessionEnded, type Session } from "./api";
import { Login } from "./Login";
import { Workbench } from "./Workbench";
import { CalendarPage } from "./CalendarPage";
import { PayrollPage, payrollRoles } from "./PayrollPage";
import { dashboardRoles } from "./dashboardRoles";
import { CasesPage } from "./CasesPage";
import { AdminPage, administers } from "./AdminPage";
import { PublicBoard } from "./PublicBoard";

// The designer (React Flow, dagre) loads only for admins: a caseworker's phone never downloads it.
const DesignerPage = lazy(() => import("./designer/DesignerPage"));
// So do the charts (recharts), for the officials who read the dashboard.
const DashboardPage = lazy(() => import("./DashboardPage"));

const designs = (session: Session) => session.user.roles.some(r => r === "province-admin" || r === "system-admin");
const keepsCalendar = (session: Session) => session.user.roles.includes("system-admin");
type View = "workbench" | "designer" | "calendars" | "payroll" | "dashboard" | "cases" | "admin";

/** Officials land on their workbench; provincial and system admins on the designer, and may switch. Residents read the
 * public notice board (#/public) without an account. */
export function App() {
  const [session, setSession] = useState<Session | null>(loadSession);
  const [view, setView] = useState<View>(() => (session && designs(session) ? "designer" : "workbench"));
  const [openCase, setOpenCase] = useState<string | null>(null);
  const [publicBoard, setPublicBoard] = useState(() => location.hash === "#/public");
  const [ended, setEnded] = useState(false);
  const change = (next: Session | null) => {
    saveSession(next);
    setSession(next);
    setView(next && designs(next) ? "designer" : "workbench");
    if (next) setEnded(false);
  };
  useEffect(() => {
    const end = () => { setEnded(true); change(null); };
    window.addEventListener(sessionEnded, end);
    const hash = () => setPublicBoard(location.hash === "#/public");
    window.addEventListener("hashchange", hash);
    return () => { window.removeEventListener(sessionEnded, end); window.removeEventListener("hashchange", hash); };
  }, []);

  if (publicBoard) return <PublicBoard onLogin={() => { location.hash = ""; setPublicBoard(false); }} />;
  if (!session) return <Login onLogin={change} notice={ended ? "您的账户已变更或停用，请重新登录" : undefined} />;
  const back = () => setView(designs(session) ? "designer" : "workbench");
  const loading = <p className="muted">加载中…</p>;
  switch (view) {
    case "dashboard":
      return <Suspense fallback={loading}><DashboardPage session={session} onBack={() => setView("workbench")} /></Suspense>;
    case "payroll": return <PayrollPage session={session} onBack={() => setView("workbench")} />;
    case "calendars": return <CalendarPage session={session} onBack={back} />;
    case "cases": return <CasesPage session={session} openCase={openCase} onBack={() => { setOpenCase(null); setView("workbench"); }} />;
    case "admin": return <AdminPage session={session} onBack={back} onCalendars={keepsCalendar(session) ? () => setView("calendars") : undefined} />;
    case "designer":
      return <Suspense fallback={loading}>
        <DesignerPage session={session} onWorkbench={() => setView("workbench")} onLogout={() => change(null)}
                      onCalendars={keepsCalendar(session) ? () => setView("calendars") : undefined} />
      </Suspense>;
    default:
      return <Workbench session={session} onLogout={() => change(null)} onDesigner={designs(session) ? () => setView("designer") : undefined}
                 onCases={(id?: string) => { setOpenCase(id ?? null); setView("cases"); }}
                 onAdmin={administers(session) ? () => setView("admin") : undefined}
                 onPayroll={session.user.roles.some(r => payrollRoles.includes(r)) ? () => setView("payroll") : undefined}
                 onDashboard={session.user.roles.some(r => dashboardRoles.includes(r)) ? () => setView("dashboard") : undefined} />;
  }
}
