import { describe, expect, it } from "vitest";
import { checkDigit, idNumberProblem, maskIdNumber } from "./idNumber";

describe("ID numbers as typed", () => {
  it("accepts a number whose check character matches (X included)", () => {
    expect(checkDigit("11010519491231002")).toBe("X");
    expect(idNumberProblem("11010519491231002x")).toBeNull();
  });
  it("names what is wrong while typing and when done", () => {
    expect(idNumberProblem("2201021980")).toBe("还差 8 位");
    expect(idNumberProblem("22010219800101001A")).toContain("前 17 位应为数字");
    expect(idNumberProblem("220102198002300011")).toBe("身份证号码中的出生日期无效");
    expect(idNumberProblem("220102198001010011")).toBe("身份证号码校验位错误，请核对");
  });
  it("masks all but the first six and last four", () => {
    expect(maskIdNumber("11010519491231002X")).toBe("110105********002X");
  });
});
