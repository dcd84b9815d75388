import { useState } from "react";
import { loadSession, saveSession, type Session } from "./api";
import { Login } from "./Login";
import { Workbench } from "./Workbench";

export function App() {
  const [session, setSession] = useState<Session | null>(loadSession);
  const change = (next: Session | null) => { saveSession(next); setSession(next); };
  return session ? <Workbench session={session} onLogout={() => change(null)} /> : <Login onLogin={change} />;
}
