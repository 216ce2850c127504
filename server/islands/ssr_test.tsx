import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { signal } from "@preact/signals";
import { renderToString } from "preact-render-to-string";
import { assert, assertEquals, assertStringIncludes, assertThrows } from "../../tests/support/assert.ts";
import { type IslandComponent, type IslandRef, renderWithIslands } from "./ssr.ts";
import { bootModule, renderDocument } from "./page.ts";
import { IslandPropsError } from "./serialize.ts";
import { nestingProblem } from "./nesting.ts";
import { STATE_SCRIPT_ID } from "./format.ts";

function Leaf({ n }: { n: number }) {
  const [v] = useState(n);
  return <span class="leaf">{v}</span>;
}
function Box({ children, aside }: { children?: ComponentChildren; aside?: ComponentChildren }) {
  return (
    <div class="box">
      <Leaf n={1} />
      {children}
      <aside>{aside}</aside>
    </div>
  );
}
function Hidden({ children }: { children?: ComponentChildren }) {
  return <b>{false && children}</b>;
}
function Clicker({ onClick }: { onClick: () => void }) {
  return <button type="button" onClick={onClick}>x</button>;
}

const ref = (name: string): IslandRef => ({ name, chunkUrl: `/c/${name}.js`, exportName: "default" });
const registry = new Map<IslandComponent, IslandRef>([
  [Leaf, ref("Leaf")],
  [Box, ref("Box")],
  [Hidden, ref("Hidden")],
  [Clicker, ref("Clicker")],
]);
const markers = (html: string) => html.match(/<!--\/?sluice:[^>]*-->/g) ?? [];

Deno.test("ssr: only outermost islands are marked; islands they render are plain components", () => {
  const out = renderWithIslands(
    <main>
      <Leaf n={5} />
      <Box />
    </main>,
    registry,
  );
  assertEquals(markers(out.html), [
    "<!--sluice:island:Leaf:0-->",
    "<!--/sluice:island-->",
    "<!--sluice:island:Box:1-->",
    "<!--/sluice:island-->",
  ]);
  assertStringIncludes(out.html, '<div class="box"><span class="leaf">1</span>');
  assertEquals(out.islands.map((i) => i.name), ["Leaf", "Box"]);
  assertEquals(out.warnings, []);
});

Deno.test("ssr: JSX props become slots; islands inside slot content are outermost again", () => {
  const out = renderWithIslands(
    <Box aside={<i>side</i>}>
      <p>server text</p>
      <Leaf n={7} />
    </Box>,
    registry,
  );
  assertEquals(markers(out.html), [
    "<!--sluice:island:Box:0-->",
    "<!--sluice:slot:1-->",
    "<!--sluice:island:Leaf:1-->",
    "<!--/sluice:island-->",
    "<!--/sluice:slot-->",
    "<!--sluice:slot:0-->",
    "<!--/sluice:slot-->",
    "<!--/sluice:island-->",
  ]);
  assertStringIncludes(out.html, "<!--sluice:slot:0--><i>side</i><!--/sluice:slot-->");
  const boxProps = Object.fromEntries((out.state.t[0] as [string, [string, unknown][]])[1]);
  assertEquals(boxProps, { aside: ["J", 0], children: ["J", 1] });
  assertEquals(out.templates, "");
});

Deno.test("ssr: a slot the island does not render is shipped as a template", () => {
  const out = renderWithIslands(
    <Hidden>
      <em>later</em>
    </Hidden>,
    registry,
  );
  assertEquals(out.html, "<!--sluice:island:Hidden:0--><b></b><!--/sluice:island-->");
  assertEquals(out.templates, '<template data-sluice-slot="0"><em>later</em></template>');
});

Deno.test("ssr: a signal prop is data, not a slot, and is serialized once for two islands", () => {
  const count = signal(4);
  function Show({ c }: { c: typeof count }) {
    return <output>{c.value}</output>;
  }
  const reg = new Map(registry).set(Show, ref("Show"));
  const out = renderWithIslands(
    <div>
      <Show c={count} />
      <Show c={count} />
    </div>,
    reg,
  );
  assertStringIncludes(out.html, "<output>4</output>");
  assertEquals(out.templates, "");
  assertEquals(out.state.t.filter((e) => e[0] === "G"), [["G", 4]]);
});

Deno.test("ssr: a function prop fails the render naming the island and the prop", () => {
  const page = (
    <div>
      <Clicker onClick={() => {}} />
    </div>
  );
  const err = assertThrows(() => renderWithIslands(page, registry), 'Island "Clicker": prop "onClick" is a function');
  assert(err instanceof IslandPropsError);
  // The author's vnode is restored, so rendering it without the runtime still works.
  assertEquals(renderToString(page), '<div><button type="button">x</button></div>');
});

Deno.test("ssr: the same vnode rendered twice is marked both times and left unchanged", () => {
  const leaf = <Leaf n={2} />;
  const out = renderWithIslands(<div>{leaf}{leaf}</div>, registry);
  assertEquals(markers(out.html).filter((m) => m.startsWith("<!--sluice:island")).length, 2);
  assertEquals(leaf.type, Leaf);
});

Deno.test("ssr: invalid nesting around islands is reported at render time", () => {
  const inP = renderWithIslands(
    <p>
      <Box />
    </p>,
    registry,
  );
  assertEquals(inP.warnings.length, 1);
  assertStringIncludes(inP.warnings[0], 'island "Box": <div> inside <p>');
  const inTable = renderWithIslands(
    <table>
      <tbody>
        <Leaf n={1} />
      </tbody>
    </table>,
    registry,
  );
  assertStringIncludes(inTable.warnings[0], 'island "Leaf": <span> placed directly inside <tbody>');
  const fine = renderWithIslands(
    <div>
      <p>
        <Leaf n={1} />
      </p>
    </div>,
    registry,
  );
  assertEquals(fine.warnings, []);
});

Deno.test("nestingProblem: p closing, button scope, tables, nested links and list items", () => {
  assertEquals(nestingProblem(["body", "p"], 2, "div"), "<div> inside <p>");
  assertEquals(nestingProblem(["body", "p", "span"], 2, "ul"), "<ul> inside <p>");
  assertEquals(nestingProblem(["body", "p", "button"], 2, "div"), null);
  assertEquals(nestingProblem(["body", "p"], 1, "div"), null, "the <p> is inside the island: markers stay put");
  assertEquals(nestingProblem(["body", "p"], 2, "span"), null);
  assertEquals(nestingProblem(["table", "tbody"], 2, "tr"), null);
  assertEquals(nestingProblem(["table", "tbody", "tr"], 3, "div"), "<div> placed directly inside <tr>");
  assertEquals(nestingProblem(["select"], 1, "option"), null);
  assertEquals(nestingProblem(["a"], 1, "a"), "<a> inside <a>");
  assertEquals(nestingProblem(["li"], 1, "li"), "<li> inside <li>");
  assertEquals(nestingProblem(["li", "ul"], 1, "li"), null);
});

const EVIL = "</script><script>alert(1)</script>";
const assets = { registry, cssHref: "/static/build/0123456789abcdef/app.css", bootUrl: "/b/boot.js" };

Deno.test("renderPage: a page without islands has no script at all", () => {
  const html = renderDocument(assets, <main>static</main>, { title: "T <&>" });
  assertEquals(html.includes("<script"), false);
  assertEquals(html.includes("modulepreload"), false);
  assertStringIncludes(html, "<title>T &lt;&amp;&gt;</title>");
  assertStringIncludes(html, '<link rel="stylesheet" href="/static/build/0123456789abcdef/app.css">');
});

Deno.test("renderPage: one module script importing only the used chunks, escaped state, nonce", () => {
  const html = renderDocument(
    assets,
    <main>
      <Leaf n={1} />
      <Leaf n={2} />
      <Box aside={EVIL} />
    </main>,
    { title: "x", nonce: "abc123", bodyClass: "dark", lang: "de" },
  );
  assertEquals(html.match(/<script type="module"/g)?.length, 1);
  assertEquals(html.match(/<\/script>/g)?.length, 2, "state script + module script, nothing injected");
  assertStringIncludes(html, '<script type="module" nonce="abc123">');
  assertStringIncludes(html, `<script type="application/json" id="${STATE_SCRIPT_ID}">`);
  assertStringIncludes(html, '<html lang="de">');
  assertStringIncludes(html, '<body class="dark">');
  assertEquals(html.includes("/c/Hidden.js"), false);
  assertEquals(html.match(/from"\/c\/Leaf\.js"/g)?.length, 1);
});

Deno.test("bootModule: quotes export names that are not identifiers", () => {
  const code = bootModule("/boot.js", [{ name: "M.x-y", chunkUrl: "/m.js", exportName: "x-y" }]);
  assertEquals(code, 'import{boot}from"/boot.js";import{"x-y" as I0}from"/m.js";boot({"M.x-y":I0});');
});
