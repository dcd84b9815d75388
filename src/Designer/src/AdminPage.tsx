import { useEffect, useMemo, useState, type FormEvent } from "react";
import { ApiError, request, type Region, type Session, type User } from "./api";
import { ProblemView } from "./ProblemView";
import { forgetRegions, regionPath } from "./regions";
import { levelLabel, roleLabel, roleNames } from "./words";

type Tab = "regions" | "users" | "funds";
const admins = ["province-admin", "system-admin"];
export const fundKeepers = ["county-officer", "finance-officer"];
export const administers = (session: Session) => session.user.roles.some(r => admins.includes(r) || fundKeepers.includes(r));

const useProblem = () => {
  const [problem, setProblem] = useState<ApiError | null>(null);
  const guard = async (work: () => Promise<void>) => {
    setProblem(null);
    try { await work(); } catch (err) { setProblem(err instanceof ApiError ? err : new ApiError(0, "无法连接服务", undefined, {})); }
  };
  return { problem, guard };
};

/** 系统管理: the region tree with its standards, the officials and their roles, the townships' reserve funds. */
export function AdminPage({ session, onBack, onCalendars }: { session: Session; onBack: () => void; onCalendars?: () => void }) {
  const isAdmin = session.user.roles.some(r => admins.includes(r));
  const [tab, setTab] = useState<Tab>(isAdmin ? "regions" : "funds");
  const tabs: [Tab, string][] = [
    ...(isAdmin ? [["regions", "区划与保障标准"], ["users", "人员与角色"]] as [Tab, string][] : []),
    ...(session.user.roles.some(r => fundKeepers.includes(r) || r === "system-admin") ? [["funds", "临时救助备用金"]] as [Tab, string][] : []),
  ];
  return (
    <main className="page admin">
      <header className="page-header">
        <button onClick={onBack}>← 返回</button>
        <h1>系统管理</h1>
        {onCalendars && <button onClick={onCalendars}>节假日安排</button>}
      </header>
      <nav className="tabs" role="tablist">
        {tabs.map(([t, label]) => <button key={t} role="tab" aria-selected={tab === t} onClick={() => setTab(t)}>{label}</button>)}
      </nav>
      {tab === "regions" && <RegionsTab session={session} />}
      {tab === "users" && <UsersTab session={session} />}
      {tab === "funds" && <FundsTab session={session} />}
    </main>
  );
}

/** The regions the service gives (down to the levels that fit one answer), and those below a region fetched as it opens. */
function useRegionList(session: Session): [Region[], () => void, (under: string) => void] {
  const [regions, setRegions] = useState<Region[]>([]);
  const merge = (more: Region[]) => setRegions(current => {
    const all = new Map(current.map(r => [r.code, r]));
    more.forEach(r => all.set(r.code, r));
    return [...all.values()].sort((a, b) => a.code.localeCompare(b.code));
  });
  const load = () => { request<Region[]>("GET", "/api/regions", session.accessToken).then(merge).catch(() => undefined); };
  const below = (under: string) => {
    request<Region[]>("GET", `/api/regions?under=${encodeURIComponent(under)}`, session.accessToken).then(merge).catch(() => undefined);
  };
  useEffect(load, [session.accessToken]);
  return [regions, load, below];
}

function RegionsTab({ session }: { session: Session }) {
  const token = session.accessToken;
  const [regions, reload, fetchBelow] = useRegionList(session);
  const [selected, setSelected] = useState(session.user.regionCode);
  const open = (code: string) => {
    setSelected(code);
    if (code.length < 12 && !regions.some(r => r.parentCode === code)) fetchBelow(code);
  };
  const [child, setChild] = useState({ code: "", name: "" });
  const [standard, setStandard] = useState({ urbanMonthly: "", ruralMonthly: "", effectiveFrom: "" });
  const [standards, setStandards] = useState<{ current?: { urbanMonthly: number; ruralMonthly: number; effectiveFrom: string; regionCode: string } | null;
    history: { urbanMonthly: number; ruralMonthly: number; effectiveFrom: string }[] } | null>(null);
  const { problem, guard } = useProblem();
  const names = useMemo(() => new Map(regions.map(r => [r.code, r])), [regions]);
  const children = (code: string) => regions.filter(r => (r.parentCode ?? "") === code || (code === "" && r.code.length === 2 && !r.parentCode));

  useEffect(() => {
    if (selected === "") { setStandards(null); return; }
    request<typeof standards>("GET", `/api/admin/regions/${selected}/standards`, token).then(setStandards).catch(() => setStandards(null));
  }, [selected, token]);

  const addChild = (e: FormEvent) => { e.preventDefault(); void guard(async () => {
    await request("POST", "/api/admin/regions", token, { code: child.code.trim(), name: child.name.trim() });
    setChild({ code: "", name: "" }); forgetRegions(); reload();
  }); };
  const setStd = (e: FormEvent) => { e.preventDefault(); void guard(async () => {
    setStandards(await request("PUT", `/api/admin/regions/${selected}/standards`, token, {
      urbanMonthly: Number(standard.urbanMonthly), ruralMonthly: Number(standard.ruralMonthly), effectiveFrom: standard.effectiveFrom,
    }));
  }); };

  // A render function, not a component: a component defined here would be a new type on every render, and the
  // focused node's button would be thrown away under the keyboard.
  const tree = (code: string, depth: number) => (
    <ul aria-label={depth === 0 ? "行政区划" : undefined}>
      {children(code).map(r => (
        <li key={r.code}>
          <button className={selected === r.code ? "tree-node selected" : "tree-node"} aria-pressed={selected === r.code}
                  aria-expanded={r.code.length < 12 ? selected.startsWith(r.code) : undefined} onClick={() => open(r.code)}>
            {r.name} <span className="muted">{levelLabel(r.level)} · {r.code}</span>
          </button>
          {selected.startsWith(r.code) && r.code.length < 12 && tree(r.code, depth + 1)}
        </li>
      ))}
    </ul>
  );
  const nextLength = selected.length === 0 ? 2 : selected.length === 2 ? 4 : selected.length === 4 ? 6 : selected.length === 6 ? 9 : 12;
  return (
    <div className="admin-grid">
      <section aria-label="区划树" className="tree">{tree(session.user.regionCode.length === 0 ? "" : names.get(session.user.regionCode)?.parentCode ?? "", 0)}</section>
      <section aria-label="所选区划">
        <h2>{selected ? regionPath(names, selected) : "全国"}</h2>
        {selected.length < 12 && (
          <form onSubmit={addChild} className="inline-form">
            <h3>新增下级区划</h3>
            <label>区划代码（{nextLength} 位，以 {selected || "省级代码"} 开头）<input value={child.code} inputMode="numeric"
                   onChange={e => setChild({ ...child, code: e.target.value })} required /></label>
            <label>名称<input value={child.name} onChange={e => setChild({ ...child, name: e.target.value })} required /></label>
            <button type="submit">新增</button>
          </form>
        )}
        {selected && (
          <>
            <h3>最低生活保障标准（元/人·月）</h3>
            {standards?.current
              ? <p>现行：城市 {standards.current.urbanMonthly} 元，农村 {standards.current.ruralMonthly} 元，自 {standards.current.effectiveFrom} 起
                  {standards.current.regionCode !== selected ? `（沿用 ${regionPath(names, standards.current.regionCode)}）` : ""}</p>
              : <p className="muted">本区划及上级均未设定标准</p>}
            {standards && standards.history.length > 0 && (
              <table><thead><tr><th scope="col">生效日期</th><th scope="col">城市</th><th scope="col">农村</th></tr></thead>
                <tbody>{standards.history.map(h => <tr key={h.effectiveFrom}><td>{h.effectiveFrom}</td><td>{h.urbanMonthly}</td><td>{h.ruralMonthly}</td></tr>)}</tbody></table>
            )}
            <form onSubmit={setStd} className="inline-form">
              <label>城市标准（元）<input inputMode="decimal" value={standard.urbanMonthly} onChange={e => setStandard({ ...standard, urbanMonthly: e.target.value })} required /></label>
              <label>农村标准（元）<input inputMode="decimal" value={standard.ruralMonthly} onChange={e => setStandard({ ...standard, ruralMonthly: e.target.value })} required /></label>
              <label>生效日期<input type="date" value={standard.effectiveFrom} onChange={e => setStandard({ ...standard, effectiveFrom: e.target.value })} required /></label>
              <button type="submit">保存标准</button>
            </form>
          </>
        )}
        <ProblemView problem={problem} />
      </section>
    </div>
  );
}

function UsersTab({ session }: { session: Session }) {
  const token = session.accessToken;
  const [regions] = useRegionList(session);
  const names = useMemo(() => new Map(regions.map(r => [r.code, r])), [regions]);
  const [users, setUsers] = useState<User[]>([]);
  const [draft, setDraft] = useState({ username: "", displayName: "", password: "", regionCode: session.user.regionCode, roles: [] as string[] });
  const { problem, guard } = useProblem();
  const load = () => { request<User[]>("GET", "/api/admin/users", token).then(setUsers).catch(() => undefined); };
  useEffect(load, [token]);
  const grantable = roleNames.filter(r => r !== "system-admin" || session.user.roles.includes("system-admin"));

  const [changing, setChanging] = useState<string | null>(null);
  // One change at a time per screen: each PATCH carries the whole role list, and a second sent before the first answered
  // would carry a list without the first's role.
  const change = (user: User, body: Record<string, unknown>) => guard(async () => {
    setChanging(user.username);
    try {
      const changed = await request<User>("PATCH", `/api/admin/users/${user.username}`, token, body);
      setUsers(current => current.map(u => u.username === user.username ? changed : u));
    } finally { setChanging(null); }
  });
  const create = (e: FormEvent) => { e.preventDefault(); void guard(async () => {
    await request("POST", "/api/admin/users", token, draft);
    setDraft({ ...draft, username: "", displayName: "", password: "", roles: [] });
    load();
  }); };

  return (
    <div>
      <ProblemView problem={problem} />
      <table className="users">
        <thead><tr><th scope="col">姓名</th><th scope="col">用户名</th><th scope="col">区划</th><th scope="col">角色</th><th scope="col">状态</th><th scope="col">操作</th></tr></thead>
        <tbody>
          {users.map(u => (
            <tr key={u.username} data-testid="user-row" data-username={u.username} className={u.disabled ? "disabled" : ""}>
              <td>{u.displayName}</td><td>{u.username}</td><td>{regionPath(names, u.regionCode) || "全国"}</td>
              <td>
                <details>
                  <summary>{u.roles.map(roleLabel).join("、")}</summary>
                  <fieldset className="roles">
                    <legend>{u.displayName} 的角色</legend>
                    {grantable.map(r => (
                      <label key={r} className="check"><input type="checkbox" checked={u.roles.includes(r)} disabled={u.username === session.user.username || changing !== null}
                        onChange={e => void change(u, { roles: e.target.checked ? [...u.roles, r] : u.roles.filter(x => x !== r) })} /> {roleLabel(r)}</label>
                    ))}
                  </fieldset>
                </details>
              </td>
              <td>{u.disabled ? "已停用" : "在用"}</td>
              <td>{u.username !== session.user.username && (
                u.disabled
                  ? <button onClick={() => void change(u, { disabled: false })}>启用 {u.username}</button>
                  : <button className="danger" onClick={() => void change(u, { disabled: true })}>停用 {u.username}</button>)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form onSubmit={create} className="inline-form">
        <h3>新增人员</h3>
        <label>姓名<input value={draft.displayName} onChange={e => setDraft({ ...draft, displayName: e.target.value })} required /></label>
        <label>用户名<input value={draft.username} onChange={e => setDraft({ ...draft, username: e.target.value })} autoComplete="off" required /></label>
        <label>初始密码（至少 8 位）<input type="password" value={draft.password} onChange={e => setDraft({ ...draft, password: e.target.value })} autoComplete="new-password" required /></label>
        <label>所属区划<select value={draft.regionCode} onChange={e => setDraft({ ...draft, regionCode: e.target.value })}>
          {session.user.regionCode === "" && <option value="">全国（仅用于系统管理员）</option>}
          {regions.filter(r => r.code.startsWith(session.user.regionCode)).map(r => <option key={r.code} value={r.code}>{regionPath(names, r.code)}</option>)}
        </select></label>
        <fieldset className="roles"><legend>角色</legend>
          {grantable.map(r => (
            <label key={r} className="check"><input type="checkbox" checked={draft.roles.includes(r)}
              onChange={e => setDraft({ ...draft, roles: e.target.checked ? [...draft.roles, r] : draft.roles.filter(x => x !== r) })} /> {roleLabel(r)}</label>
          ))}
        </fieldset>
        <button type="submit" className="primary">新增</button>
      </form>
    </div>
  );
}

interface Fund { regionCode: string; balance: number; entries: { at: string; kind: string; amount: number; balanceAfter: number; by: string; note?: string | null }[] }
const entryKinds: Record<string, string> = { allocation: "拨付", payment: "先行救助支出", return: "收回" };

function FundsTab({ session }: { session: Session }) {
  const token = session.accessToken;
  const [regions] = useRegionList(session);
  const names = useMemo(() => new Map(regions.map(r => [r.code, r])), [regions]);
  const townships = regions.filter(r => r.code.length === 9 && r.code.startsWith(session.user.regionCode));
  const [township, setTownship] = useState("");
  const [fund, setFund] = useState<Fund | null>(null);
  const [change, setChange] = useState({ amount: "", note: "" });
  const { problem, guard } = useProblem();
  useEffect(() => {
    if (!township) return;
    request<Fund>("GET", `/api/reserve-funds/${township}`, token).then(setFund).catch(() => setFund(null));
  }, [township, token]);
  const post = (kind: "allocations" | "returns") => guard(async () => {
    setFund(await request<Fund>("POST", `/api/reserve-funds/${township}/${kind}`, token, { amount: Number(change.amount), note: change.note || undefined }));
    setChange({ amount: "", note: "" });
  });
  return (
    <div>
      <label>乡镇（街道）<select value={township} onChange={e => setTownship(e.target.value)}>
        <option value="">请选择</option>{townships.map(t => <option key={t.code} value={t.code}>{regionPath(names, t.code)}</option>)}
      </select></label>
      {fund && (
        <>
          <p>余额 <strong>{fund.balance}</strong> 元</p>
          <div className="inline-form">
            <label>金额（元）<input inputMode="decimal" value={change.amount} onChange={e => setChange({ ...change, amount: e.target.value })} /></label>
            <label>说明<input value={change.note} onChange={e => setChange({ ...change, note: e.target.value })} /></label>
            <button className="primary" onClick={() => void post("allocations")}>拨付</button>
            <button onClick={() => void post("returns")}>收回</button>
          </div>
          <table><thead><tr><th scope="col">时间</th><th scope="col">类型</th><th scope="col">金额</th><th scope="col">余额</th><th scope="col">经办</th><th scope="col">说明</th></tr></thead>
            <tbody>{fund.entries.map((e, i) => <tr key={i}><td>{new Date(e.at).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai" })}</td>
              <td>{entryKinds[e.kind] ?? e.kind}</td><td>{e.amount}</td><td>{e.balanceAfter}</td><td>{e.by}</td><td>{e.note}</td></tr>)}</tbody></table>
        </>
      )}
      <ProblemView problem={problem} />
    </div>
  );
}
