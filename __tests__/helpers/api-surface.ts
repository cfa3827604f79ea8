import { fileURLToPath } from "node:url";
import ts from "typescript";

/** One member of a props interface, as users see it in their editor. */
export interface PropDoc {
  readonly name: string;
  readonly optional: boolean;
  /** The JSDoc text, empty when there is none. */
  readonly doc: string;
  /** The `@default` tag's text, or undefined. */
  readonly defaultValue?: string;
}

const entry = fileURLToPath(new URL("../../index.ts", import.meta.url));
let checker: ts.TypeChecker | undefined;
let exportsByName: Map<string, ts.Symbol> | undefined;

function load(): { checker: ts.TypeChecker; exportsByName: Map<string, ts.Symbol> } {
  if (!checker || !exportsByName) {
    const program = ts.createProgram([entry], {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      strict: true,
      skipLibCheck: true,
      noEmit: true,
    });
    checker = program.getTypeChecker();
    const source = program.getSourceFile(entry);
    if (!source) throw new Error(`cannot load ${entry}`);
    const moduleSymbol = checker.getSymbolAtLocation(source);
    if (!moduleSymbol) throw new Error(`${entry} has no exports`);
    exportsByName = new Map(checker.getExportsOfModule(moduleSymbol).map((s) => [s.getName(), s]));
  }
  return { checker, exportsByName };
}

/** Names exported by the library entry (index.ts). */
export function exportedNames(): string[] {
  return [...load().exportsByName.keys()];
}

/** Every member of an exported interface, inherited ones included, in declaration order. */
export function propsOf(interfaceName: string): PropDoc[] {
  const { checker, exportsByName } = load();
  let symbol = exportsByName.get(interfaceName);
  if (!symbol) throw new Error(`index.ts does not export ${interfaceName}`);
  if (symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  const type = checker.getDeclaredTypeOfSymbol(symbol);
  return checker.getPropertiesOfType(type).map((property) => {
    const defaultTag = property.getJsDocTags(checker).find((tag) => tag.name === "default");
    return {
      name: property.getName(),
      optional: (property.flags & ts.SymbolFlags.Optional) !== 0,
      doc: ts.displayPartsToString(property.getDocumentationComment(checker)),
      defaultValue: defaultTag ? ts.displayPartsToString(defaultTag.text) : undefined,
    };
  });
}
