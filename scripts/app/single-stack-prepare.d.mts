/** Types of single-stack-prepare.mjs, for the tests (the launcher itself is plain JavaScript). */
export function skipPreparingPassForSingleStack(fromFile: string): boolean;
