// GB 11643-1999 resident ID numbers, checked as the official types (the service checks the same on arrival).

const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const checkCharacters = "10X98765432";

export function checkDigit(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * weights[i];
  return checkCharacters[sum % 11];
}

/** Why the number is not valid yet, in the official's words; null when it is. Partial input says what is still missing. */
export function idNumberProblem(value: string): string | null {
  const id = value.trim().toUpperCase();
  if (id.length === 0) return "请填写身份证号码";
  if (!/^\d{0,17}[\dX]?$/.test(id)) return "身份证号码前 17 位应为数字，最后一位为数字或 X";
  if (id.length < 18) return `还差 ${18 - id.length} 位`;
  const born = id.slice(6, 14);
  const date = new Date(`${born.slice(0, 4)}-${born.slice(4, 6)}-${born.slice(6, 8)}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10).replace(/-/g, "") !== born) return "身份证号码中的出生日期无效";
  if (checkDigit(id.slice(0, 17)) !== id[17]) return "身份证号码校验位错误，请核对";
  return null;
}

/** First 6 and last 4 kept, as lists and notices show it. */
export const maskIdNumber = (id: string) => id.length === 18 ? `${id.slice(0, 6)}********${id.slice(14)}` : "****";
