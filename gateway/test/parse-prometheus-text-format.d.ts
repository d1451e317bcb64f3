/** The parser ships no types: it returns prom2json's shape, typed where the test reads it. */
declare module 'parse-prometheus-text-format' {
  export default function parsePrometheusTextFormat(text: string): unknown[];
}
