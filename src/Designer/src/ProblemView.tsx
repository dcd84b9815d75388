import type { ApiError } from "./api";

/** A refusal as the service gave it: what is wrong, then each field it names with its rule. */
export function ProblemView({ problem }: { problem: ApiError | null }) {
  if (!problem) return null;
  return (
    <div className="error" role="alert">
      <p>{problem.detail ?? problem.title}</p>
      {Object.entries(problem.errors).map(([field, messages]) => <p key={field}>{field}：{messages.join("；")}</p>)}
    </div>
  );
}
