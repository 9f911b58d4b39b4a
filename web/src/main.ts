// The console's entry: log in, then the shell (navigation) and the page the
// hash names. Pages register their routes in pages/index.ts.
import "./style.css";
import { setUnauthorizedHandler } from "./api";
import { h } from "./dom";
import { ErrorSlot } from "./errors";
import { currentLocation, href, match } from "./router";
import { clearToken, token } from "./session";
import { renderLogin } from "./pages/login";
import "./pages/index";

const app = document.getElementById("app")!;
let pageAbort: AbortController | null = null;

const nav: [string, string][] = [
  ["Overview", "/overview"],
  ["Products", "/products"],
  ["Devices", "/devices"],
  ["Rules", "/rules"],
];

function shell(): HTMLElement {
  const path = currentLocation().path;
  const links = nav.map(([label, p]) =>
    h("a", { href: href(p), class: path === p || path.startsWith(p + "/") ? "active" : "" }, label),
  );
  const logout = h("button", { type: "button", class: "btn link" }, "Log out");
  logout.addEventListener("click", () => {
    clearToken();
    show();
  });
  return h(
    "header",
    { class: "topbar" },
    h("a", { class: "brand", href: href("/overview") }, "Thingstead"),
    h("nav", {}, ...links),
    logout,
  );
}

function show(): void {
  pageAbort?.abort();
  pageAbort = null;
  if (!token()) {
    renderLogin(app, () => {
      if (!location.hash || location.hash === "#/") location.hash = "#/overview";
      show();
    });
    return;
  }
  const { path } = currentLocation();
  if (path === "/" || path === "") {
    location.hash = "#/overview";
    return;
  }
  const main = h("main", { class: "content" });
  app.replaceChildren(shell(), main);
  const found = match(path);
  if (!found) {
    main.append(h("h1", {}, "Not found"), h("p", {}, `No page at ${path}.`));
    return;
  }
  pageAbort = new AbortController();
  const signal = pageAbort.signal;
  // A page that fails to render (a reply it did not expect) says so instead
  // of leaving "Loading…" on the screen.
  Promise.resolve()
    .then(() => found.page(main, found.params, signal))
    .catch((e) => {
      if (signal.aborted) return;
      const slot = new ErrorSlot();
      slot.show(e);
      main.prepend(slot.el);
    });
}

setUnauthorizedHandler(() => show());
window.addEventListener("hashchange", show);
show();
