import { useState, type FormEvent } from "react";
import { ApiError, login, type Session } from "./api";

export function Login({ onLogin, notice }: { onLogin: (session: Session) => void; notice?: string }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try { onLogin(await login(username, password)); }
    catch (err) { setError(err instanceof ApiError && err.status === 401 ? "用户名或密码错误" : "无法连接服务，请稍后再试"); }
  };
  return (
    <main className="login">
      <h1>社会救助审批工作台</h1>
      {notice && <p className="error" role="alert" data-testid="session-ended">{notice}</p>}
      <form onSubmit={submit}>
        <label>用户名<input name="username" value={username} onChange={e => setUsername(e.target.value)} autoComplete="username" required /></label>
        <label>密码<input name="password" type="password" value={password} onChange={e => setPassword(e.target.value)} autoComplete="current-password" required /></label>
        {error && <p className="error" role="alert">{error}</p>}
        <button type="submit" className="primary">登录</button>
      </form>
      <p><a href="#/public">查看社会救助公示（无需登录）</a></p>
    </main>
  );
}
