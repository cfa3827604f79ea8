import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { anchorsOf, githubAnchor, linkTargets, REPO_ROOT, readDoc } from "../helpers/markdown.js";
import { documentationPages } from "./markdown-pages.js";

/** Why a relative link of the page at `page` (path from the repository root) is broken, or undefined. */
function brokenLink(page: string, target: string, root = REPO_ROOT): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined; // https:, mailto: ...: not a file of the repository
  const [path, anchor] = target.split("#", 2);
  const file = path === "" ? join(root, page) : join(root, dirname(page), decodeURIComponent(path));
  const shown = relative(root, file) || ".";
  if (relative(root, file).startsWith("..")) return `${target} points outside the repository`;
  if (!existsSync(file)) return `${target}: ${shown} does not exist`;
  if (anchor === undefined) return undefined;
  if (!file.endsWith(".md") || statSync(file).isDirectory()) return `${target}: an anchor into ${shown}, which is not a Markdown file`;
  if (!anchorsOf(readFileSync(file, "utf8")).has(anchor)) return `${target}: ${shown} has no heading with the anchor #${anchor}`;
  return undefined;
}

describe("relative links in README.md and docs/", () => {
  const pages = documentationPages();

  it("cover the README and the docs pages, which link each other", () => {
    expect(pages).toEqual(expect.arrayContaining(["README.md", "docs/README.md", "docs/constructs.md", "docs/operations.md"]));
    const relativeLinks = pages.flatMap((page) => linkTargets(readDoc(page))).filter((target) => !/^[a-z]+:/i.test(target));
    expect(relativeLinks.length).toBeGreaterThanOrEqual(30);
  });

  it.each(pages)("%s: every relative link points at a file, and at a heading when it has an anchor", (page) => {
    const targets = linkTargets(readDoc(page));
    expect(targets.map((target) => brokenLink(page, target)).filter(Boolean)).toEqual([]);
  });

  it("links every docs page from the README and from the docs index", () => {
    const fromReadme = new Set(linkTargets(readDoc("README.md")).map((target) => target.split("#")[0]));
    const fromIndex = new Set(linkTargets(readDoc("docs/README.md")).map((target) => target.split("#")[0]));
    for (const page of pages.filter((p) => p.startsWith("docs/") && p !== "docs/README.md")) {
      expect(fromReadme.has(page), `README.md does not link ${page}`).toBe(true);
      expect(fromIndex.has(page.replace(/^docs\//, "")), `docs/README.md does not link ${page}`).toBe(true);
    }
  });

  it("finds a missing file, a missing anchor and a link out of the repository, so the check can fail", () => {
    expect(brokenLink("README.md", "docs/no-such-page.md")).toMatch(/does not exist/);
    expect(brokenLink("README.md", "docs/operations.md#no-such-heading")).toMatch(/no heading with the anchor/);
    expect(brokenLink("docs/cli.md", "#no-such-heading")).toMatch(/no heading with the anchor/);
    expect(brokenLink("docs/cli.md", "../../etc/passwd")).toMatch(/outside the repository/);
    expect(brokenLink("docs/cli.md", "../README.md#quick-start")).toBeUndefined();
    expect(brokenLink("README.md", "https://cdktn.io")).toBeUndefined();
  });

  it("computes GitHub's anchors", () => {
    expect(githubAnchor("The natsmon CLI: check, backup, restore")).toBe("the-natsmon-cli-check-backup-restore");
    expect(githubAnchor("NATS JetStream Cluster (`nats-jetstream-cluster`)")).toBe("nats-jetstream-cluster-nats-jetstream-cluster");
    expect(githubAnchor("Before you start: what needs a registry")).toBe("before-you-start-what-needs-a-registry");
    expect(anchorsOf("## A run\n## A run\n```\n## not a heading\n```\n")).toEqual(new Set(["a-run", "a-run-1"]));
  });
});
