import { assert, assertEquals } from "../../tests/support/assert.ts";
import { encodePng } from "../../tests/support/png.ts";
import { pngLuminance, pngShouldInvertInDark } from "./png_luminance.ts";

const near = (a: number | null, b: number) => a !== null && Math.abs(a - b) < 1e-3;

Deno.test("png luminance: a black mark on a transparent background is dark; transparent pixels do not count", async () => {
  // 16×16 RGBA: a black 8×8 square in the middle, the rest fully transparent white
  const png = await encodePng({
    width: 16,
    height: 16,
    colorType: 6,
    filter: 4,
    pixel: (x, y) => (x >= 4 && x < 12 && y >= 4 && y < 12 ? [0, 0, 0, 255] : [255, 255, 255, 0]),
  });
  assert(near(await pngLuminance(png), 0));
  assertEquals(await pngShouldInvertInDark(png), true);
});

Deno.test("png luminance: every row filter decodes to the same image", async () => {
  const pixel = (x: number, y: number) => [(x * 37 + y * 11) % 256, (x * 5) % 256, (y * 29) % 256];
  const values: Array<number | null> = [];
  for (const filter of [0, 1, 2, 3, 4] as const) {
    values.push(await pngLuminance(await encodePng({ width: 23, height: 9, colorType: 2, filter, pixel })));
  }
  assert(values.every((v) => v !== null && v === values[0]), `the same for every filter: ${values.join(", ")}`);
});

Deno.test("png luminance: grey, grey+alpha, 16-bit and packed palette images", async () => {
  const white = await encodePng({ width: 4, height: 4, colorType: 0, pixel: () => [255] });
  assert(near(await pngLuminance(white), 1));
  assertEquals(await pngShouldInvertInDark(white), false, "a light logo stays as it is");

  const grey16 = await encodePng({ width: 3, height: 3, colorType: 0, depth: 16, filter: 1, pixel: () => [0] });
  assert(near(await pngLuminance(grey16), 0));

  // half opaque black, half transparent: only the opaque half counts
  const greyAlpha = await encodePng({ width: 4, height: 2, colorType: 4, pixel: (x) => (x < 2 ? [0, 255] : [255, 0]) });
  assert(near(await pngLuminance(greyAlpha), 0));

  // 2-bit palette: index 0 transparent, 1 dark navy, 2 white — three quarters navy
  const indexed = await encodePng({
    width: 8,
    height: 4,
    colorType: 3,
    depth: 2,
    palette: [[0, 0, 0], [0, 0, 128], [255, 255, 255]],
    paletteAlpha: [0, 255, 255],
    pixel: (x) => [x < 6 ? 1 : 2],
  });
  const navy = 0.0722 * ((128 / 255 + 0.055) / 1.055) ** 2.4;
  assert(near(await pngLuminance(indexed), (navy * 3 + 1) / 4));
  assertEquals(await pngShouldInvertInDark(indexed), true);

  // 1-bit grey, all white
  const bits = await encodePng({ width: 10, height: 3, colorType: 0, depth: 1, pixel: () => [1] });
  assert(near(await pngLuminance(bits), 1));
});

Deno.test("png luminance: unreadable data never inverts (and never throws)", async () => {
  const png = await encodePng({ width: 4, height: 4, colorType: 2, pixel: () => [0, 0, 0] });
  const broken = png.slice(0, png.length - 30); // cut inside IDAT
  assertEquals(await pngShouldInvertInDark(broken), false);
  const transparent = await encodePng({ width: 2, height: 2, colorType: 6, pixel: () => [0, 0, 0, 0] });
  assertEquals(await pngLuminance(transparent), null);
});
