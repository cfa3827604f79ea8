import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { buildProgram, EXIT_USAGE } from "../../cli/natsmon.js";
import { markdownSection, markdownTable, readDoc } from "../helpers/markdown.js";

/**
 * docs/cli.md documents every flag of every natsmon command, in a table
 * (| flag | default | meaning |) under "## natsmon <command>". These tests
 * keep the tables in sync with the commander definitions in cli/natsmon.ts.
 */
const PAGE = "docs/cli.md";
const page = readDoc(PAGE);
/** Every command and subcommand, named as on the command line ("volumes rm"). */
function allCommands(parent: Command, prefix = ""): [string, Command][] {
  return parent.commands
    .filter((command) => command.name() !== "help")
    .flatMap((command) => {
      const name = `${prefix}${command.name()}`;
      return [[name, command] as [string, Command], ...allCommands(command, `${name} `)];
    });
}
const commands = allCommands(buildProgram());

/** What is wrong with a command's flags table, judged against its options. */
export function flagsTableProblems(section: string, command: Command): string[] {
  const table = markdownTable(section, "flag");
  if (!table) return ["has no flags table (| flag | default | meaning |)"];
  const problems: string[] = [];
  const rows = new Map(table.rows.map((row) => [row[0].match(/^`(--[\w-]+)/)?.[1] ?? row[0], row]));
  for (const option of command.options) {
    const flag = option.long ?? option.flags;
    const row = rows.get(flag);
    if (!row) {
      problems.push(`${flag} is not documented`);
      continue;
    }
    if (row[0] !== `\`${option.flags}\``) problems.push(`${flag} is written ${row[0]}, commander defines \`${option.flags}\``);
    const fallback = option.defaultValue;
    if (fallback !== undefined && typeof fallback !== "boolean" && !row[1].includes(`\`${fallback}\``)) {
      problems.push(`${flag}: the default is ${fallback}, the default column says "${row[1]}"`);
    }
    if (option.envVar && !row[1].includes(option.envVar)) problems.push(`${flag}: the environment variable ${option.envVar} is not named`);
  }
  const known = new Set(command.options.map((option) => option.long ?? option.flags));
  for (const flag of rows.keys())
    if (!known.has(flag)) problems.push(`${flag} is documented but is no flag of natsmon ${command.name()} (stale)`);
  return problems;
}

describe(`natsmon commands in ${PAGE}`, () => {
  it("are check, backup, restore, rollout, volumes (with volumes rm) and mixin", () => {
    expect(commands.map(([name]) => name)).toEqual(["check", "backup", "restore", "rollout", "volumes", "volumes rm", "mixin"]);
  });

  it.each(commands)("natsmon %s: every flag, with its default", (name, command) => {
    expect(flagsTableProblems(markdownSection(page, `## natsmon ${name}`), command)).toEqual([]);
  });

  it("lists the exit codes natsmon uses", () => {
    const codes = markdownTable(markdownSection(page, "## Exit codes"), "code")?.rows.map((row) => row[0]);
    expect(codes).toEqual(["0", "1", String(EXIT_USAGE)]);
  });

  it("fails on an undocumented, a stale or a misspelt flag, so the check can fail", () => {
    const [[, check]] = commands;
    const table = ["| flag | default | meaning |", "|---|---|---|", "| `--timeout` | `7` | t |", "| `--colour` | off | c |"].join("\n");
    const problems = flagsTableProblems(table, check);
    expect(problems).toContain("--json is not documented");
    expect(problems).toContain("--timeout is written `--timeout`, commander defines `--timeout <seconds>`");
    expect(problems).toContain('--timeout: the default is 5, the default column says "`7`"');
    expect(problems).toContain("--colour is documented but is no flag of natsmon check (stale)");
  });
});
