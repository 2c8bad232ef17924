// The in-page half of the shell audit (tests/support/audit.ts): plain JavaScript, installed as
// `window.__audit` in every page of an audited browser context (BrowserContext.addInitScript). It is a
// string rather than functions handed to page.evaluate so that no transform of the test file (helpers
// such as __name that a bundler may add) can reach the page.
//
// Every element it reports is described the same way: where it sits (dialog, header, main, body),
// its tag, the attributes a reader recognises it by (data-testid, role, type, name, aria-label, href,
// a hand-written id), its first classes and its text, e.g.
//   header: a[href="/users"].text-sm.font-medium "Users"

export const AUDIT_SCRIPT = String.raw`
(() => {
  if (window.__audit) return;
  const short = (s, n) => {
    const t = String(s == null ? "" : s).replace(/\s+/g, " ").trim();
    return t.length > n ? t.slice(0, n - 1) + "…" : t;
  };
  const r1 = (n) => Math.round(n * 10) / 10;
  const box = (r) => "left " + r1(r.left) + ", top " + r1(r.top) + ", right " + r1(r.right) + ", bottom " + r1(r.bottom);
  const DIALOG = '[role="dialog"], [role="alertdialog"]';

  function region(el) {
    if (el.closest(DIALOG)) return "dialog";
    if (el.closest("header")) return "header";
    if (el.closest("main")) return "main";
    return "body";
  }

  function describe(el) {
    if (!el) return "nothing";
    if (el === document.body) return "<body> (nothing focused)";
    if (el === document.documentElement) return "<html>";
    if (el.nodeType !== 1) return String(el);
    let s = el.tagName.toLowerCase();
    // Only hand-written ids: React's useId and Radix's generated ones say nothing to a reader.
    if (el.id && /^[A-Za-z][\w-]*$/.test(el.id) && !/^radix-/.test(el.id)) s += "#" + el.id;
    for (const a of ["data-testid", "role", "type", "name", "aria-label", "href"]) {
      const v = el.getAttribute(a);
      if (v) s += "[" + a + '="' + short(v, 40) + '"]';
    }
    const cls = typeof el.className === "string" ? el.className.trim().split(/\s+/).filter(Boolean).slice(0, 3) : [];
    if (cls.length) s += "." + cls.join(".");
    const text = short(el.innerText || el.textContent, 30);
    if (text) s += ' "' + text + '"';
    return region(el) + ": " + s;
  }

  function visible(el) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return false;
    return el.checkVisibility ? el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true, opacityProperty: true, visibilityProperty: true }) : true;
  }

  function openDialogs() {
    return Array.from(document.querySelectorAll(DIALOG)).filter(visible);
  }

  // Scrolls or clips its content horizontally: what sticks out of it is not the page's overflow.
  const clipsX = (el) => getComputedStyle(el).overflowX !== "visible";

  /**
   * The outermost elements inside \`container\` whose right edge passes \`limit\` and that no box
   * between them and the container holds in (one that scrolls or clips sideways and itself fits):
   * the ones that make the container scroll sideways. Their children sticking out with them say
   * nothing more.
   */
  function stickingOut(container, limit) {
    const out = new Set();
    for (const el of container.querySelectorAll("*")) {
      const r = el.getBoundingClientRect();
      if ((r.width === 0 && r.height === 0) || r.right <= limit + 1) continue;
      let contained = false;
      for (let a = el.parentElement; a && a !== container; a = a.parentElement) {
        if (clipsX(a) && a.getBoundingClientRect().right <= limit + 1) {
          contained = true;
          break;
        }
      }
      if (!contained) out.add(el);
    }
    return Array.from(out)
      .filter((el) => !out.has(el.parentElement))
      .map((el) => describe(el) + " (right edge at " + r1(el.getBoundingClientRect().right) + ")");
  }

  function overflow() {
    const vw = window.innerWidth;
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: vw, offenders: stickingOut(document.body, vw) };
  }

  function headerControls() {
    const vw = window.innerWidth;
    const headers = Array.from(document.querySelectorAll("header"));
    const controls = headers.flatMap((h) => Array.from(h.querySelectorAll('a[href], button, [role="button"], [role="link"], input, select, summary'))).filter(visible);
    const off = controls
      .filter((el) => {
        const r = el.getBoundingClientRect();
        return r.left < -0.5 || r.right > vw + 0.5;
      })
      .map((el) => describe(el) + " (" + box(el.getBoundingClientRect()) + ")");
    return { headers: headers.length, controls: controls.length, off, innerWidth: vw };
  }

  // The rectangle of an element's content area (inside its borders), in viewport coordinates.
  function inner(a) {
    const r = a.getBoundingClientRect();
    const left = r.left + a.clientLeft;
    const top = r.top + a.clientTop;
    return { left, top, right: left + a.clientWidth, bottom: top + a.clientHeight };
  }

  const within = (b, c) => b.left >= c.left - 0.5 && b.top >= c.top - 0.5 && b.right <= c.right + 0.5 && b.bottom <= c.bottom + 0.5;

  /** button: "submit" (the first visible button[type=submit]), "none", or the exact text of the button to find. */
  function dialogFit(button) {
    const vw = window.innerWidth;
    const vh = window.innerHeight;
    const view = { left: 0, top: 0, right: vw, bottom: vh };
    const dialogs = openDialogs();
    if (dialogs.length !== 1) return { problems: ["expected one open dialog (role=dialog), found " + dialogs.length], button: null };
    const d = dialogs[0];
    const problems = [];
    const dr = d.getBoundingClientRect();
    if (!within(dr, view)) problems.push("the dialog " + describe(d).slice(0, 80) + " (" + box(dr) + ") does not fit the " + vw + "×" + vh + " viewport");
    // A dialog that scrolls sideways hides part of its content as surely as one wider than the screen.
    if (d.scrollWidth > d.clientWidth) {
      const sticking = stickingOut(d, inner(d).right);
      problems.push("the dialog scrolls sideways (scrollWidth " + d.scrollWidth + " > clientWidth " + d.clientWidth + ")" + (sticking.length ? "; sticking out: " + sticking.slice(0, 6).join("; ") : ""));
    }
    if (button === "none") return { problems, button: null };
    const buttons = Array.from(d.querySelectorAll(button === "submit" ? 'button[type="submit"]' : "button")).filter(visible);
    const b = button === "submit" ? buttons[0] : buttons.find((x) => short(x.innerText, 200) === button);
    if (!b) {
      problems.push(button === "submit" ? "no visible submit button (button[type=submit]) in the dialog" : 'no visible "' + button + '" button in the dialog');
      return { problems, button: null };
    }
    const br = b.getBoundingClientRect();
    const name = describe(b);
    if (!within(br, view)) problems.push(name + " (" + box(br) + ") is not inside the " + vw + "×" + vh + " viewport");
    let clipped = false;
    for (let a = b.parentElement; a && a !== document.body && a !== document.documentElement; a = a.parentElement) {
      const cs = getComputedStyle(a);
      if (cs.overflowX === "visible" && cs.overflowY === "visible") continue;
      const c = inner(a);
      if (!within(br, c)) {
        problems.push(name + " (" + box(br) + ") is cut off by the scroll box " + describe(a).slice(0, 90) + " (" + box(c) + "): it takes scrolling to reach");
        clipped = true;
        break;
      }
    }
    // Only worth saying of a button that is otherwise in view: one cut off is "covered" by whatever lies beyond.
    if (!clipped && within(br, view)) {
      const hit = document.elementFromPoint((br.left + br.right) / 2, (br.top + br.bottom) / 2);
      if (!hit || !(hit === b || b.contains(hit))) problems.push(name + " is covered at its centre by " + describe(hit));
    }
    return { problems, button: name };
  }

  function dialog() {
    const ds = openDialogs();
    return ds.length === 1 ? ds[0] : null;
  }

  function firstField() {
    const d = dialog();
    if (!d) return null;
    return Array.from(d.querySelectorAll('input:not([type="hidden"]), select, textarea')).find((f) => visible(f) && !f.disabled) || null;
  }

  function firstInvalid() {
    const d = dialog();
    if (!d) return null;
    return Array.from(d.querySelectorAll('[aria-invalid="true"]')).find(visible) || null;
  }

  function buttonNamed(text) {
    const d = dialog();
    if (!d) return null;
    return Array.from(d.querySelectorAll("button")).find((b) => visible(b) && short(b.innerText, 200) === text) || null;
  }

  /** Where the focus is, and whether it is on the element expected: "first-field", "first-invalid" or a button's text. */
  function focus(expected) {
    const active = document.activeElement;
    const target = expected === "first-field" ? firstField() : expected === "first-invalid" ? firstInvalid() : buttonNamed(expected);
    return { ok: Boolean(target) && active === target, active: describe(active), target: target ? describe(target) : null, dialogs: openDialogs().length };
  }

  /** What a freshly opened dialog should not show: fields marked invalid, alerts, error texts, typed values. */
  function stale(texts) {
    const d = dialog();
    if (!d) return { dialog: false, invalid: [], alerts: [], texts: [], values: [] };
    const shown = d.innerText;
    const textLike = /^(text|email|password|search|tel|url|number)$/;
    return {
      dialog: true,
      invalid: Array.from(d.querySelectorAll('[aria-invalid="true"]')).filter(visible).map(describe),
      alerts: Array.from(d.querySelectorAll('[role="alert"]')).filter((a) => visible(a) && short(a.innerText, 200)).map(describe),
      texts: texts.filter((t) => shown.includes(t)),
      values: Array.from(d.querySelectorAll("input, textarea"))
        .filter((f) => (f.tagName === "TEXTAREA" || textLike.test(f.type)) && f.value !== f.defaultValue)
        .map((f) => describe(f) + ' holding "' + short(f.value, 40) + '"'),
    };
  }

  function toasts() {
    return Array.from(document.querySelectorAll("[data-sonner-toast]")).map((t) => short(t.innerText || t.textContent, 120)).filter(Boolean);
  }

  /** The feedback the page shows other than a toast (to say what there is instead). */
  function otherFeedback() {
    return Array.from(document.querySelectorAll('[role="status"], [role="alert"], [aria-live]'))
      .filter((e) => visible(e) && short(e.innerText, 200))
      .map((e) => describe(e));
  }

  function nav() {
    const header = document.querySelector("header");
    if (!header) return { header: false, path: location.pathname, links: [] };
    return {
      header: true,
      path: location.pathname,
      links: Array.from(header.querySelectorAll("a[href]")).map((a) => ({
        path: new URL(a.href, location.href).pathname,
        current: a.getAttribute("aria-current"),
        visible: visible(a),
        name: describe(a),
      })),
    };
  }

  async function settle() {
    const finite = document.getAnimations().filter((a) => {
      const t = a.effect && a.effect.getComputedTiming();
      return t && t.endTime !== Infinity;
    });
    await Promise.race([Promise.all(finite.map((a) => a.finished.catch(() => undefined))), new Promise((r) => setTimeout(r, 2000))]);
    if (document.fonts) await document.fonts.ready;
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  }

  window.__audit = { describe, overflow, headerControls, dialogFit, focus, stale, toasts, otherFeedback, nav, settle };
})();
`;
