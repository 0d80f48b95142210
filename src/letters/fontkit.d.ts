// fontkit (pdfkit's own font engine) ships no types; only what the letters use is declared.
declare module "fontkit" {
  export function create(buffer: Uint8Array): { layout: (...args: unknown[]) => unknown };
}
