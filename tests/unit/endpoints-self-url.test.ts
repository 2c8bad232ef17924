import { describe, expect, it } from "vitest";
import { pointsAtSelf, type SelfAddress } from "@/lib/endpoints/self-url";

// The base URL rule that keeps an endpoint from pointing at this deployment (lib/endpoints/self-url).

const everywhere: SelfAddress = { appUrl: "https://gate.example.com", port: 3000, host: "0.0.0.0", localAddresses: ["10.1.2.3", "fe80::1", "gate-host-1"] };

describe("a base URL pointing at this deployment", () => {
  it.each([
    ["its APP_URL", "https://gate.example.com/v1"],
    ["its APP_URL in other letters, with the default port written out", "https://GATE.example.com:443/v1"],
    ["localhost on the listening port", "http://localhost:3000/v1"],
    ["localhost. (with the root dot)", "http://localhost.:3000/v1"],
    ["a name under .localhost", "http://api.localhost:3000/v1"],
    ["127.0.0.1", "http://127.0.0.1:3000/v1"],
    ["another address of 127.0.0.0/8", "http://127.1.2.3:3000/v1"],
    ["127.0.0.1 written as one number", "http://2130706433:3000/v1"],
    ["127.0.0.1 written in hex", "http://0x7f.1:3000/v1"],
    ["::1", "http://[::1]:3000/v1"],
    ["::1 written out", "http://[0:0:0:0:0:0:0:1]:3000/v1"],
    ["127.0.0.1 as an IPv4-mapped IPv6 address", "http://[::ffff:127.0.0.1]:3000/v1"],
    ["0.0.0.0", "http://0.0.0.0:3000/v1"],
    ["::", "http://[::]:3000/v1"],
    ["one of this machine's addresses, while listening everywhere", "http://10.1.2.3:3000/v1"],
    ["this machine's IPv6 address", "http://[fe80::1]:3000/v1"],
    ["this machine's name", "http://gate-host-1:3000/v1"],
    ["https on the listening port", "https://127.0.0.1:3000/v1"],
  ])("refuses %s", (_what, url) => {
    expect(pointsAtSelf(url, everywhere)).toBe(true);
  });

  it("the default port: http://localhost/v1 is this deployment when it listens on 80, not on 3000", () => {
    expect(pointsAtSelf("http://localhost/v1", { ...everywhere, port: 80 })).toBe(true);
    expect(pointsAtSelf("http://localhost/v1", everywhere)).toBe(false);
  });

  it("the HOST value it listens on, and the machine's addresses only when listening everywhere", () => {
    const one: SelfAddress = { appUrl: "http://gate.internal:8080", port: 8080, host: "10.1.2.3", localAddresses: ["10.9.9.9"] };
    expect(pointsAtSelf("http://10.1.2.3:8080/v1", one)).toBe(true);
    expect(pointsAtSelf("http://10.9.9.9:8080/v1", one)).toBe(false); // not listening there
    expect(pointsAtSelf("http://gate.internal:8080/v1", one)).toBe(true); // APP_URL
    expect(pointsAtSelf("http://[::1]:8080/v1", { ...one, host: "::" })).toBe(true);
    expect(pointsAtSelf("http://[fe80::2]:8080/v1", { ...one, host: "[fe80::2]" })).toBe(true);
  });
});

describe("a base URL elsewhere", () => {
  it.each([
    ["an upstream provider", "https://api.openai.com/v1"],
    ["localhost on another port (a local model server)", "http://localhost:11434/v1"],
    ["127.0.0.1 on another port", "http://127.0.0.1:8000/v1"],
    ["the APP_URL's host on another port", "https://gate.example.com:8443/v1"],
    ["the APP_URL's host over http (another origin)", "http://gate.example.com/v1"],
    ["another machine on the listening port", "http://10.1.2.4:3000/v1"],
    ["a name that only contains localhost", "http://notlocalhost:3000/v1"],
    ["not a URL (the schema's field error covers it)", "not a url"],
  ])("accepts %s", (_what, url) => {
    expect(pointsAtSelf(url, everywhere)).toBe(false);
  });
});
