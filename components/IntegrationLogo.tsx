// Integration logo. Whether it turns white in dark mode was decided on the server from the SVG's colours
// (routes/pages/logo_luminance.ts); here it is only a class, so the switch happens in CSS with the theme.
import type { LogoInfo } from "./jobs/types.ts";

export function IntegrationLogo(props: { logo: LogoInfo; name: string; size?: number }) {
  const size = props.size ?? 44;
  return (
    <img
      src={props.logo.src}
      alt={`${props.name} logo`}
      width={size}
      height={size}
      class={`job-logo shrink-0 object-contain ${props.logo.invertInDark ? "logo-dark-invert" : ""}`}
      data-invert={props.logo.invertInDark ? "dark" : "never"}
    />
  );
}
