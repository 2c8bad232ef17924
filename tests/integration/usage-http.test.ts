import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEndpointAs, createKeyAs, createUserAs, readyUser, signedInAdmin } from "../support/admin";
import { startApp, type App } from "../support/app";
import type { Session } from "../support/http";
import { startMockLlm, type MockLlm } from "../support/mock-llm";
import { unique } from "../support/names";
import { waitFor } from "../support/ports";

// GET /api/users/{id}/usage over HTTP against the built app: the ledger rows a user's real gateway calls
// (to the local mock upstream) wrote, downloaded as JSON and as CSV and checked row by row against
// usage_events; key labels that a spreadsheet would run as formulas come out inert; and every caller
// or parameter that must be refused is.

let app: App;
let mock: MockLlm;
let admin: Session;
let userId: string;
let username: string;
const FORMULA_LABEL = "=cmd|' /C calc'!A0";
const AT_LABEL = "@SUM(1)";

const usageUrl = (id: string, query: string) => `${app.url}/api/users/${id}/usage${query}`;
const get = (url: string, opts: { session?: Session; headers?: Record<string, string> } = {}) =>
  fetch(url, { redirect: "manual", headers: { ...(opts.session ? { cookie: opts.session.cookie } : {}), ...opts.headers } });

/** The user's ledger as the export promises it: usage_events' columns plus the key's prefix and label, oldest first. */
async function ledger(id: string) {
  const { rows } = await app.db.execute({
    sql: `SELECT e.id, e.request_id, e.created_at, e.user_id, e.key_id, k.prefix AS key_prefix, k.label AS key_label, e.endpoint, e.model,
            e.input_tokens, e.output_tokens, e.cache_read_tokens, e.cache_write_tokens, e.cost_eur, e.status, e.latency_ms, e.estimated, e.over_cap
          FROM usage_events e LEFT JOIN api_keys k ON k.id = e.key_id WHERE e.user_id = ? ORDER BY e.created_at, e.id`,
    args: [id],
  });
  return rows.map((r) => ({ ...r }) as Record<string, string | number | null>);
}

/** RFC 4180 records (quoted cells with doubled quotes, CRLF line ends), as a spreadsheet reads them. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c !== '"') cell += c;
      else if (text[i + 1] === '"') {
        cell += '"';
        i++;
      } else quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      record.push(cell);
      cell = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      record.push(cell);
      records.push(record);
      record = [];
      cell = "";
      i++;
    } else cell += c;
  }
  expect(cell, "the CSV ends with CRLF").toBe("");
  return records;
}

async function call(key: string, model: string, content: string) {
  const res = await fetch(`${app.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content }] }),
  });
  expect(res.status, await res.text()).toBe(200);
}

beforeAll(async () => {
  mock = await startMockLlm();
  app = await startApp({ valkey: true, smtp: false });
  admin = await signedInAdmin(app);
  await createEndpointAs(app, admin, { name: unique("usage-ep"), baseUrl: `${mock.url}/v1`, models: ["usage-model", "mock-cached"], eurPerMInput: 2, eurPerMOutput: 4 });
  username = unique("spender");
  userId = await createUserAs(app, admin, username);
  const formulaKey = await createKeyAs(app, admin, userId, FORMULA_LABEL);
  const atKey = await createKeyAs(app, admin, userId, AT_LABEL);
  const plainKey = await createKeyAs(app, admin, userId, 'plain, "quoted" label');
  await call(formulaKey, "usage-model", "first call");
  await call(atKey, "mock-cached", "x".repeat(2000));
  await call(plainKey, "usage-model", "third");
  await call(formulaKey, "usage-model", "fourth");
  await waitFor("the calls' ledger rows", async () => (await ledger(userId)).length === 4, 5000, 50);
});

afterAll(async () => {
  await app?.stop();
  await mock?.stop();
});

describe("the usage download", () => {
  it("answers JSON: one object per ledger row, row by row as usage_events has it, with the key's prefix and label", async () => {
    const res = await get(usageUrl(userId, "?days=30&format=json"), { session: admin });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const disposition = res.headers.get("content-disposition") ?? "";
    const [, from, to] = disposition.match(new RegExp(`^attachment; filename="usage-${username}-(\\d{4}-\\d{2}-\\d{2})-(\\d{4}-\\d{2}-\\d{2})\\.json"$`)) ?? [];
    expect(to, disposition).toBe(new Date().toISOString().slice(0, 10)); // the user's offset is UTC+00:00
    expect(Date.parse(to) - Date.parse(from)).toBe(29 * 86_400_000);
    const body = (await res.json()) as Record<string, unknown>[];
    const expected = await ledger(userId);
    expect(body).toHaveLength(4);
    expect(body).toEqual(expected);
    for (const row of body) expect(row.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(body.map((r) => r.key_label)).toContain(FORMULA_LABEL);
    expect(body.some((r) => Number(r.cache_read_tokens) > 0)).toBe(true);
  });

  it("answers CSV: a header row, then each ledger row, formula-like labels prefixed with an apostrophe", async () => {
    const res = await get(usageUrl(userId, "?format=csv&days=7"), { session: admin });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(res.headers.get("content-disposition")).toMatch(new RegExp(`^attachment; filename="usage-${username}-\\d{4}-\\d{2}-\\d{2}-\\d{4}-\\d{2}-\\d{2}\\.csv"$`));
    const [header, ...records] = parseCsv(await res.text());
    const expected = await ledger(userId);
    expect(header).toEqual(Object.keys(expected[0]));
    expect(records).toHaveLength(expected.length);
    const inert = (v: string | number | null) => (v === null ? "" : typeof v === "string" && /^[=+\-@\t\r]/.test(v) ? `'${v}` : String(v));
    records.forEach((record, i) => expect(record, `row ${i}`).toEqual(header.map((c) => inert(expected[i][c]))));
    const labels = records.map((r) => r[header.indexOf("key_label")]);
    expect(labels).toContain(`'${FORMULA_LABEL}`);
    expect(labels).toContain(`'${AT_LABEL}`);
    expect(labels).toContain('plain, "quoted" label');
  });

  it("answers an empty JSON array and a header-only CSV for a user without calls", async () => {
    const quiet = await createUserAs(app, admin, unique("quiet"));
    expect(await (await get(usageUrl(quiet, "?format=json"), { session: admin })).json()).toEqual([]);
    const csv = await (await get(usageUrl(quiet, "?format=csv"), { session: admin })).text();
    expect(parseCsv(csv)).toHaveLength(1);
  });
});

describe("the usage API refuses", () => {
  let member: Session;
  beforeAll(async () => {
    member = (await readyUser(app, admin)).session;
  });

  it("a request without a session (401), a non-admin (403) and another Origin (403), with a JSON error", async () => {
    const url = usageUrl(userId, "?days=30&format=json");
    const cases: [string, Response, number][] = [
      ["no session", await get(url), 401],
      ["a non-admin", await get(url, { session: member }), 403],
      ["the middleware-bypass header", await get(url, { headers: { "x-middleware-subrequest": "middleware:middleware:middleware:middleware:middleware" } }), 401],
      ["another Origin", await get(url, { session: admin, headers: { origin: "https://evil.example" } }), 403],
      ["a cross-site fetch", await get(url, { session: admin, headers: { "sec-fetch-site": "cross-site" } }), 403],
    ];
    for (const [who, res, status] of cases) {
      expect(res.status, who).toBe(status);
      expect(res.headers.get("content-type"), who).toMatch(/^application\/json/);
      expect(((await res.json()) as { error?: string }).error, who).toBeTruthy();
    }
    // The same Origin is welcome.
    expect((await get(url, { session: admin, headers: { origin: app.url } })).status).toBe(200);
  });

  it("bad days or format with 400 and a message naming the parameter", async () => {
    for (const query of ["?days=0", "?days=367", "?days=1.5", "?days=abc", "?days=", "?days=-3", "?days=30&days=31", "?format=xml", "?format=", "?format=JSON"]) {
      const res = await get(usageUrl(userId, query), { session: admin });
      expect(res.status, query).toBe(400);
      const { error } = (await res.json()) as { error: string };
      expect(error, query).toMatch(query.includes("format") ? /format/ : /days/);
    }
    for (const query of ["?days=1", "?days=366", ""]) expect((await get(usageUrl(userId, query), { session: admin })).status, query).toBe(200);
  });

  it("an unknown user with 404", async () => {
    for (const id of ["0123456789abcdef0123456789abcdef", "not-an-id"]) {
      const res = await get(usageUrl(id, "?days=30&format=csv"), { session: admin });
      expect(res.status, id).toBe(404);
      expect(((await res.json()) as { error: string }).error).toBe("No such user");
    }
  });
});
