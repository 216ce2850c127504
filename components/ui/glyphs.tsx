// A few tiny stroke glyphs drawn for Sluice, for islands: they keep the icon library out of the first-load
// JavaScript (server-rendered parts of the page use lucide-preact freely, since they ship no JS).
import type { JSX } from "preact";

type GlyphProps = { size?: number; class?: string };

function Glyph(props: GlyphProps & { children: JSX.Element | JSX.Element[] }) {
  const size = props.size ?? 18;
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      stroke-width={2}
      stroke-linecap="round"
      stroke-linejoin="round"
      class={props.class}
      aria-hidden="true"
    >
      {props.children}
    </svg>
  );
}

export const CloseGlyph = (p: GlyphProps) => (
  <Glyph {...p}>
    <path d="M6 6l12 12M18 6L6 18" />
  </Glyph>
);

export const PlayGlyph = (p: GlyphProps) => (
  <Glyph {...p}>
    <path d="M8 5v14l11-7z" />
  </Glyph>
);

export const InfoGlyph = (p: GlyphProps) => (
  <Glyph {...p}>
    <circle cx="12" cy="12" r="9" />
    <path d="M12 11v5M12 7.5v.5" />
  </Glyph>
);

/** A question mark in a circle: "why?". */
export const HelpGlyph = (p: GlyphProps) => (
  <Glyph {...p}>
    <circle cx="12" cy="12" r="9" />
    <path d="M9.6 9.3a2.5 2.5 0 0 1 4.8 1c0 1.7-2.4 2.2-2.4 3.7M12 17v.5" />
  </Glyph>
);

/** Two sliders: "settings". */
export const SlidersGlyph = (p: GlyphProps) => (
  <Glyph {...p}>
    <path d="M4 8h9M19 8h1M4 16h2M12 16h8" />
    <circle cx="16" cy="8" r="2.5" />
    <circle cx="9" cy="16" r="2.5" />
  </Glyph>
);
