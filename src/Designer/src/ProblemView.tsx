import type { ApiError } from "./api";

/** A refusal as the service gave it: what is wrong, then each field it names with its rule. With `beside`, the form
 * shows each field's message next to the field itself, and this says only how many there are. */
export function ProblemView({ problem, beside }: { problem: ApiError | Error | null; beside?: boolean }) {
  if (!problem) return null;
  // A failure that is no refusal (the network dropped, a proxy's page instead of JSON) says so rather than blanking the page.
  if (!("errors" in problem)) return <div className="error" role="alert"><p>无法连接服务，请检查网络后重试。</p></div>;
  const fields = Object.entries(problem.errors ?? {});
  if (beside && fields.length > 0) {
    return <div className="error" role="alert"><p>未能提交：请按标红的 {fields.length} 处提示修改后再提交。</p></div>;
  }
  return (
    <div className="error" role="alert">
      <p>{problem.detail ?? problem.title}</p>
      {fields.map(([field, messages]) => <p key={field}>{field}：{messages.join("；")}</p>)}
    </div>
  );
}
