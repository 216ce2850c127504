// Why a control is disabled, readable without hover: disabled buttons get no hover or focus, so a tooltip on them
// reaches nobody on a keyboard or a phone. Two forms:
//  - <ReasonNote id text/>: the reason as visible text; point the control's aria-describedby at `id`.
//  - <InfoTip id label text/>: a small info button beside the control (keyboard and touch reachable) that opens the
//    reason in a native popover (Escape and a tap outside close it; no script). Also a tooltip on hover.
// Both are plain markup, so islands and server pages can use them at no JavaScript cost.
import { InfoGlyph } from "./glyphs.tsx";

export function ReasonNote(props: { id: string; text: string; class?: string }) {
  return <p id={props.id} class={`reason-note ${props.class ?? ""}`} data-reason>{props.text}</p>;
}

export function InfoTip(props: { id: string; text: string; label?: string }) {
  const anchor = `--tip-${props.id}`;
  return (
    <span class="info-tip">
      <button
        type="button"
        class="info-btn"
        popovertarget={props.id}
        aria-label={props.label ?? "Why?"}
        aria-describedby={props.id}
        style={`anchor-name: ${anchor}`}
        data-info-tip={props.id}
      >
        <InfoGlyph size={16} />
      </button>
      <span popover="auto" id={props.id} role="tooltip" class="info-pop" style={`position-anchor: ${anchor}`}>
        {props.text}
      </span>
    </span>
  );
}
