/// <reference types="vite/client" />
import { describe, expect, it } from "vitest";
import type { Definition } from "./definition";
import { diffDefinitions } from "./diff";
import ningxiaDibao from "../../../../workflows/64/dibao.json";

const before = ningxiaDibao as Definition;

describe("the difference between two versions", () => {
  it("names the removed step, the changed period and the re-pointed branch in words", () => {
    const after = structuredClone(before);
    after.steps = after.steps.filter(s => s.id !== "democratic-review");
    after.steps.find(s => s.id === "disputed")!.branches![0].to = "notice";
    after.steps.find(s => s.id === "notice")!.workingDays = 5;
    after.parameters!.gradualExitMonths = 3;
    after.layout = { notice: { x: 1, y: 2 } };

    expect(diffDefinitions(before, after).map(c => c.text)).toEqual([
      "参数 gradualExitMonths：6 → 3",
      "删除步骤 「民主评议」(democratic-review)",
      "步骤 「申请是否有争议」(disputed) 分支 1 去向：democratic-review → notice",
      "步骤 「张榜公示」(notice) 期限（工作日）：7 → 5",
    ]);
  });

  it("finds nothing between a version and itself, and names an added step with its kind", () => {
    expect(diffDefinitions(before, structuredClone(before))).toEqual([]);
    const after = structuredClone(before);
    after.steps.push({ id: "visit-again", kind: "task", name: "复核", outcomes: [] });
    expect(diffDefinitions(before, after)).toEqual([{ kind: "added", step: "visit-again", text: "新增步骤 「复核」(visit-again)（人工办理）" }]);
  });
});
