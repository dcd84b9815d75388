import { useEffect, useMemo, useState } from "react";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { ApiError, request, type Session } from "./api";
import { ProblemView } from "./ProblemView";
import { procedureLabel, statusLabel } from "./words";

interface Dashboard {
  regionCode: string; name: string;
  cases: { procedure: string; status: string; count: number }[];
  overdueByTownship: { key: string; label: string; value: number }[];
  paidByMonth: { period: string; procedure: string; amount: number }[];
}

const colours = ["#1f6feb", "#2da44e", "#bf8700", "#cf222e", "#8250df", "#0a7e8c", "#bc4c00", "#57606a"];
const lastMonth = () => {
  const d = new Date(Date.now() + 8 * 3600_000);
  d.setUTCDate(1); d.setUTCMonth(d.getUTCMonth() - 1);
  return d.toISOString().slice(0, 7);
};

/** Rows of a chart: one per <key>, a column per series, zero where a series has nothing. */
function pivot<T>(items: T[], key: (t: T) => string, series: (t: T) => string, value: (t: T) => number) {
  const names = [...new Set(items.map(series))];
  const rows = new Map<string, Record<string, string | number>>();
  for (const item of items) {
    const row = rows.get(key(item)) ?? Object.fromEntries([["key", key(item)], ...names.map(n => [n, 0])]);
    row[series(item)] = (row[series(item)] as number) + value(item);
    rows.set(key(item), row);
  }
  return { names, rows: [...rows.values()] };
}

/** A report file fetched with the session's token and handed to the browser as a download. */
async function download(path: string, token: string, setProblem: (p: ApiError | null) => void) {
  setProblem(null);
  const response = await fetch(path, { headers: { Authorization: `Bearer ${token}` } });
  if (!response.ok) {
    const json = await response.json().catch(() => ({}));
    setProblem(new ApiError(response.status, json.title ?? response.statusText, json.detail, json.errors ?? {}));
    return;
  }
  const name = decodeURIComponent(/filename\*=UTF-8''([^;]+)/.exec(response.headers.get("Content-Disposition") ?? "")?.[1] ?? "report");
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement("a"), { href: url, download: name });
  link.click();
  URL.revokeObjectURL(url);
}

/** 统计: a county's or township's cases, overdue work and money as charts, with the statutory reports beside them. */
export default function DashboardPage({ session, onBack }: { session: Session; onBack: () => void }) {
  const [region, setRegion] = useState(session.user.regionCode);
  const [period, setPeriod] = useState(lastMonth);
  const [data, setData] = useState<Dashboard | null>(null);
  const [problem, setProblem] = useState<ApiError | null>(null);
  const token = session.accessToken;
  useEffect(() => {
    request<Dashboard>("GET", `/api/reports/dashboard?regionCode=${encodeURIComponent(region)}`, token).then(setData)
      .catch(e => setProblem(e instanceof ApiError ? e : new ApiError(0, "无法连接服务", undefined, {})));
  }, [region, token]);
  const cases = useMemo(() => pivot(data?.cases ?? [], c => procedureLabel(c.procedure), c => statusLabel(c.status), c => c.count), [data]);
  const money = useMemo(() => pivot(data?.paidByMonth ?? [], m => m.period, m => procedureLabel(m.procedure), m => m.amount), [data]);
  const overdue = (data?.overdueByTownship ?? []).map(o => ({ key: o.label, 逾期任务: o.value }));
  const q = `regionCode=${encodeURIComponent(region)}`;
  return (
    <main className="dashboard">
      <header>
        <h1>统计{data ? ` · ${data.name}` : ""}</h1>
        <label>区划代码 <input value={region} onChange={e => setRegion(e.target.value.trim())} inputMode="numeric" /></label>
        <button onClick={onBack}>返回工作台</button>
      </header>
      <ProblemView problem={problem} />
      <section aria-label="案件数量（按事项和状态）" data-testid="chart-cases">
        <h2>案件（按事项和状态）</h2>
        {cases.rows.length === 0 ? <p className="muted">暂无案件</p> :
          <ResponsiveContainer width="100%" height={260}>
            <BarChart data={cases.rows}><CartesianGrid strokeDasharray="3 3" /><XAxis dataKey="key" /><YAxis allowDecimals={false} /><Tooltip /><Legend />
              {cases.names.map((n, i) => <Bar key={n} dataKey={n} stackId="status" fill={colours[i % colours.length]} />)}
            </BarChart>
          </ResponsiveContainer>}
      </section>
      <section aria-label="逾期任务（按乡镇）" data-testid="chart-overdue">
        <h2>逾期任务（按乡镇）</h2>
        {overdue.length === 0 ? <p className="muted">没有逾期任务</p> :
          <ResponsiveContainer width="100%" height={220}>
            <BarChart data={overdue} layout="vertical"><CartesianGrid strokeDasharray="3 3" /><XAxis type="number" allowDecimals={false} />
              <YAxis type="category" dataKey="key" width={140} /><Tooltip /><Bar dataKey="逾期任务" fill="#cf222e" />
            </BarChart>
          </ResponsiveContainer>}
      </section>
      <section aria-label="每月发放金额（按项目）" data-testid="chart-money">
        <h2>每月发放金额（元，按项目）</h2>
        {money.rows.length === 0 ? <p className="muted">近十二个月暂无发放</p> :
          <ResponsiveContainer width="100%" height={260}>
            <BarChart data={money.rows}><CartesianGrid strokeDasharray="3 3" /><XAxis dataKey="key" /><YAxis /><Tooltip /><Legend />
              {money.names.map((n, i) => <Bar key={n} dataKey={n} stackId="money" fill={colours[i % colours.length]} />)}
            </BarChart>
          </ResponsiveContainer>}
      </section>
      <section aria-label="报表下载" className="downloads">
        <h2>报表下载</h2>
        <label>月份 <input type="month" value={period} onChange={e => setPeriod(e.target.value)} /></label>
        <button onClick={() => download(`/api/reports/monthly-statistics?${q}&period=${period}&format=xlsx`, token, setProblem)}>困难群众基本生活保障统计表（xlsx）</button>
        <button onClick={() => download(`/api/reports/payments?${q}&period=${period}&format=xlsx`, token, setProblem)}>发放台账（xlsx）</button>
        <button onClick={() => download(`/api/reports/payments?${q}&period=${period}&format=csv`, token, setProblem)}>发放台账（CSV）</button>
        <button onClick={() => download(`/api/reports/screening-ledger?${q}&population=unlifted&format=xlsx`, token, setProblem)}>摸排台账（未脱贫建档立卡）</button>
      </section>
    </main>
  );
}
