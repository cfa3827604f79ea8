// @ts-check
/**
 * cdktf's App.synth resolves every stack twice. The first pass
 * (TerraformStack.prepareStack, with `context.preparing` set) is dropped: it
 * exists so that a reference from one stack into another can create the
 * output and the remote state that carry it (cdktf/lib/tfExpression.js, the
 * only reader of `preparing` in cdktf 0.21; App.crossStackReference). In an
 * app with a single stack no reference crosses stacks, and the pass only
 * costs time: it is the first, cold, resolution of every token of the stack,
 * about 30 ms of a default synth.
 *
 * The app command skips that pass when the app holds exactly one stack, and
 * keeps the rest of prepareStack (a local backend when none is configured).
 * With two or more stacks cdktf's own prepareStack runs unchanged. What a
 * user can notice: a Lazy value's producer runs once fewer per synth (it
 * still runs for the written output). The library API (importing the
 * constructs into your own app) is not touched.
 */
import { createRequire } from "node:module";

/** The cdktf release whose prepareStack this mirrors (cdktf is archived: 0.21 is its last line). */
const CDKTF_LINE = "0.21.";

/**
 * Replaces prepareStack for the cdktf that a module at `fromFile` (the app's
 * bundle) imports. Returns false, and changes nothing, when that cdktf is not
 * of the 0.21 line or lacks the methods (start-up is then as before, never
 * different in behaviour).
 * @param {string} fromFile
 * @returns {boolean}
 */
export function skipPreparingPassForSingleStack(fromFile) {
  /** @type {any} */
  let stackModule;
  /** @type {{ version?: unknown }} */
  let cdktfPackage;
  try {
    const require = createRequire(fromFile);
    cdktfPackage = require("cdktf/package.json");
    // Through cdktf's index, as the app loads it: loading lib/terraform-stack.js
    // first (before the index) costs about 15 ms more, measured on the empty app.
    stackModule = require("cdktf");
  } catch {
    return false;
  }
  const TerraformStack = stackModule?.TerraformStack;
  const prototype = TerraformStack?.prototype;
  if (
    typeof cdktfPackage.version !== "string" ||
    !cdktfPackage.version.startsWith(CDKTF_LINE) ||
    typeof TerraformStack?.isStack !== "function" ||
    typeof prototype?.prepareStack !== "function" ||
    typeof prototype.ensureBackendExists !== "function"
  ) {
    return false;
  }
  const cdktfPrepareStack = prototype.prepareStack;
  prototype.prepareStack = function prepareStack() {
    // The same rule as App.synth uses to find the stacks it prepares.
    const stacks = this.node.root.node.findAll().filter((/** @type {unknown} */ node) => TerraformStack.isStack(node));
    if (stacks.length !== 1) return cdktfPrepareStack.call(this);
    this.ensureBackendExists();
  };
  return true;
}
