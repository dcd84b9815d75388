import { useEffect, useState } from "react";
import { request, type Region, type Session } from "./api";

let cache: { token: string; names: Map<string, Region> } | null = null;

/** The names of the regions a user meets (GET /api/regions), loaded once per session: codes are for machines. */
export function useRegions(session: Session): Map<string, Region> {
  const [names, setNames] = useState<Map<string, Region>>(cache?.token === session.accessToken ? cache.names : new Map());
  useEffect(() => {
    if (cache?.token === session.accessToken) return;
    request<Region[]>("GET", "/api/regions", session.accessToken)
      .then(list => {
        cache = { token: session.accessToken, names: new Map(list.map(r => [r.code, r])) };
        setNames(cache.names);
      })
      .catch(() => undefined);
  }, [session.accessToken]);
  return names;
}

/** Forget the names (after a region was added). */
export const forgetRegions = () => { cache = null; };

/** 永吉街道 rather than 220102001; the code itself when the name is not known. */
export const regionName = (names: Map<string, Region>, code: string) => names.get(code)?.name ?? code;

/** The region with its parents below the caller's own level: 东风社区（永吉街道）. */
export function regionPath(names: Map<string, Region>, code: string, from = ""): string {
  const own = names.get(code);
  if (!own) return code;
  const parent = own.parentCode && own.parentCode.length > from.length ? names.get(own.parentCode) : undefined;
  return parent ? `${own.name}（${parent.name}）` : own.name;
}
