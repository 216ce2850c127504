import { assert, assertEquals, assertThrows } from "../../tests/support/assert.ts";
import { sanitizeSvg, SvgRejected } from "./svg_sanitize.ts";

const rejected = (svg: string, why: string) => {
  const e = assertThrows(() => sanitizeSvg(svg), why);
  assert(e instanceof SvgRejected, String(e));
};

Deno.test("svg sanitizer: drawing survives, with gradients and local references", () => {
  const svg =
    `<?xml version="1.0"?><!-- logo --><svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 32 32" width="32">
    <defs><linearGradient id="g"><stop offset="0" stop-color="#123456"/></linearGradient></defs>
    <title>Acme &amp; Co</title>
    <rect width="32" height="32" rx="6" fill="url(#g)"/>
    <use xlink:href="#g"/>
  </svg>`;
  const clean = sanitizeSvg(svg);
  assert(clean.startsWith(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="32">`), clean);
  assert(clean.includes(`<linearGradient id="g"><stop offset="0" stop-color="#123456"/></linearGradient>`), clean);
  assert(clean.includes(`<title>Acme &amp; Co</title>`), clean);
  assert(clean.includes(`fill="url(#g)"`) && clean.includes(`<use href="#g"/>`), clean);
  assert(!clean.includes("<?xml") && !clean.includes("<!--"), clean);
});

Deno.test("svg sanitizer: scripts, handlers, styles, foreign content and external references are gone", () => {
  const hostile = `<svg viewBox="0 0 10 10" onload="alert(1)">
    <script>alert(2)</script><script><![CDATA[alert(3)]]></script>
    <style>@import url(https://evil.example/x.css); rect { fill: red }</style>
    <foreignObject><div xmlns="http://www.w3.org/1999/xhtml"><img src="x" onerror="alert(4)"/></div></foreignObject>
    <a href="javascript:alert(5)"><rect width="10" height="10"/></a>
    <image href="https://evil.example/track.png" width="10" height="10"/>
    <rect width="10" height="10" onclick="alert(6)" fill="url(https://evil.example/p#x)" style="fill:url(http://e/x)"/>
    <use href="https://evil.example/sprite.svg#a"/><use href="  java&#x09;script:alert(7)"/>
    <circle r="3" SVG:onmouseover="alert(8)" style="fill: blue"/>
    <svg:animate attributeName="href" to="javascript:alert(9)"/>
  </svg>`;
  const clean = sanitizeSvg(hostile);
  for (
    const bad of [
      "script",
      "alert",
      "onload",
      "onclick",
      "onerror",
      "style>",
      "@import",
      "evil",
      "foreignObject",
      "<a",
      "<image",
      "animate",
    ]
  ) {
    assert(!clean.toLowerCase().includes(bad.toLowerCase()), `${bad} survived: ${clean}`);
  }
  assert(clean.includes(`<circle r="3" style="fill: blue"/>`), clean);
  assert(clean.includes(`<use/>`), "a use whose reference was unsafe loses the reference");
});

Deno.test("svg sanitizer: refuses what is not a plain SVG drawing", () => {
  rejected(`<html><body>hi</body></html>`, "not an SVG");
  rejected(`<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg><rect width="1" height="1"/></svg>`, "DOCTYPE");
  rejected(`<svg><script>x</script></svg>`, "draws nothing");
  rejected(`<svg>${" ".repeat(101 * 1024)}<rect/></svg>`, "larger than 100 KB");
  assertEquals(
    sanitizeSvg(`<svg><rect width="1" height="1">`),
    `<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"></rect></svg>`,
  );
});
