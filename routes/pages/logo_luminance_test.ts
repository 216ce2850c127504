import { assert, assertEquals } from "../../tests/support/assert.ts";
import {
  averageSvgColor,
  integrationLogo,
  parseColor,
  relativeLuminance,
  shouldInvertInDark,
} from "./logo_luminance.ts";

Deno.test("logo luminance: colours parse and WCAG luminance spans black to white", () => {
  assertEquals(parseColor("#fff"), [255, 255, 255]);
  assertEquals(parseColor("#2862EB"), [40, 98, 235]);
  assertEquals(parseColor("rgb(1, 2, 3)"), [1, 2, 3]);
  assertEquals(parseColor("none"), null);
  assertEquals(relativeLuminance([0, 0, 0]), 0);
  assertEquals(relativeLuminance([255, 255, 255]), 1);
  assert(Math.abs(relativeLuminance([245, 158, 11]) - 0.437) < 0.01);
});

Deno.test("logo luminance: colours are weighted by painted area; gradients by their stops", () => {
  // a big dark disc with thin light strokes stays dark
  const disc = `<svg viewBox="0 0 32 32"><circle cx="16" cy="16" r="15" fill="#24292F"/>
    <path d="M10 10 L20 20" stroke="#FFFFFF" fill="none"/></svg>`;
  assert(shouldInvertInDark(disc));
  // a big white square with a small black dot is light
  const light = `<svg viewBox="0 0 100 100"><rect width="100" height="100" fill="#ffffff"/>
    <circle cx="50" cy="50" r="5" fill="#000"/></svg>`;
  assertEquals(shouldInvertInDark(light), false);
  const gradient = `<svg viewBox="0 0 10 10"><defs><linearGradient id="g"><stop stop-color="#000"/>
    <stop stop-color="#222"/></linearGradient></defs><rect width="10" height="10" fill="url(#g)"/></svg>`;
  assertEquals(averageSvgColor(gradient)?.map(Math.round), [17, 17, 17]);
  // nothing painted: leave it alone
  assertEquals(shouldInvertInDark(`<svg viewBox="0 0 10 10"><rect width="10" height="10" fill="none"/></svg>`), false);
  // no fill attribute: SVG paints black
  assert(shouldInvertInDark(`<svg viewBox="0 0 10 10"><rect width="10" height="10"/></svg>`));
});

Deno.test("logo luminance: the shipped logos, the fallback and unsafe names", async () => {
  for (const name of ["jira.svg", "github.svg", "fabric.svg", "ad.svg", "default.svg"]) {
    const info = await integrationLogo(name);
    assertEquals(info.src, `/static/logos/${name}`);
    assert(info.invertInDark, `${name} is dark, so it turns white in dark mode`);
  }
  assertEquals((await integrationLogo("missing.svg")).src, "/static/logos/default.svg");
  assertEquals((await integrationLogo("../../etc/passwd")).src, "/static/logos/default.svg");
  assertEquals((await integrationLogo(null)).src, "/static/logos/default.svg");
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/pale.svg`,
      `<svg viewBox="0 0 4 4"><rect width="4" height="4" fill="#eee"/></svg>`,
    );
    await Deno.writeTextFile(`${dir}/default.svg`, `<svg viewBox="0 0 4 4"><rect width="4" height="4"/></svg>`);
    assertEquals(await integrationLogo("pale.svg", dir), { src: "/static/logos/pale.svg", invertInDark: false });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
