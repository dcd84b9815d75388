import { describe, expect, it } from "vitest";
import { basisText, deadlineText, needsReason, outcomeLabel } from "./words";

describe("deadlineText", () => {
  // dueAt is the end of the last day: 24:00 Beijing time of 25 February 2026 = 16:00 UTC.
  const due = "2026-02-25T16:00:00Z";

  it("counts working days left and names the last day", () =>
    expect(deadlineText({ dueAt: due, overdue: false, workingDaysLeft: 3 })).toBe("剩 3 个工作日（2月25日到期）"));

  it("says today on the last day", () =>
    expect(deadlineText({ dueAt: due, overdue: false, workingDaysLeft: 0 })).toBe("今日到期（2月25日）"));

  it("says overdue once passed", () =>
    expect(deadlineText({ dueAt: due, overdue: true, workingDaysLeft: null })).toBe("已逾期（2月25日到期）"));

  it("marks a deadline counted on a year without holiday data as provisional", () =>
    expect(deadlineText({ dueAt: due, dueAtProvisional: true, overdue: false, workingDaysLeft: 3 }))
      .toBe("剩 3 个工作日（2月25日到期）（暂定）"));

  it("has nothing to say without a deadline", () =>
    expect(deadlineText({ dueAt: null, overdue: false })).toBe("无时限"));
});

describe("basisText", () => {
  it("shows the rule with the values it read", () =>
    expect(basisText({
      expression: "data.amount ?? data.requestedAmount",
      amount: 800,
      data: { amount: 800, requestedAmount: 900, witnesses: [] },
      params: { maxAmount: 1000 },
    })).toBe("data.amount ?? data.requestedAmount（data.amount = 800，data.requestedAmount = 900） = 800 元"));

  it("reads parameters and the standard too", () =>
    expect(basisText({ expression: "standard.urbanMonthly * params.multiplier", amount: 1400, params: { multiplier: 2 }, standard: { urbanMonthly: 700 } }))
      .toBe("standard.urbanMonthly * params.multiplier（params.multiplier = 2，standard.urbanMonthly = 700） = 1400 元"));
});

describe("outcomes", () => {
  it("labels the contract's outcome names in Chinese and keeps unknown ones", () => {
    expect(outcomeLabel("approve")).toBe("通过");
    expect(outcomeLabel("complete")).toBe("complete");
  });

  it("asks for a written reason on refusals only", () => {
    expect(needsReason("reject")).toBe(true);
    expect(needsReason("refuse")).toBe(true);
    expect(needsReason("confirm")).toBe(false);
  });
});
