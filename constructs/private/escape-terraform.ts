/**
 * Terraform reads `${` and `%{` in any string as template syntax, which would
 * break config files that use them literally (Prometheus relabel replacements,
 * Grafana variables). Doubling them keeps the text as written; cdktf's own
 * token markers, resolved later, are left alone.
 */
export function escapeTerraform(text: string): string {
  return text.replace(/\$\{(?!TfToken\[)/g, () => "$${").replace(/%\{/g, () => "%%{");
}
