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
  /** The type as written in the declaration, whitespace collapsed, e.g. `readonly string[]`. */
  readonly typeText: string;
}

/** An exported construct class and the members of its constructor's `props`. */
export interface PublicConstruct {
  readonly name: string;
  readonly props: PropDoc[];
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
  return propDocs(checker, checker.getDeclaredTypeOfSymbol(symbol));
}

function propDocs(checker: ts.TypeChecker, type: ts.Type): PropDoc[] {
  return checker.getPropertiesOfType(type).map((property) => {
    const defaultTag = property.getJsDocTags(checker).find((tag) => tag.name === "default");
    const declaration = property.valueDeclaration;
    const typeNode = declaration && ts.isPropertySignature(declaration) ? declaration.type : undefined;
    return {
      name: property.getName(),
      optional: (property.flags & ts.SymbolFlags.Optional) !== 0,
      doc: ts.displayPartsToString(property.getDocumentationComment(checker)),
      defaultValue: defaultTag ? ts.displayPartsToString(defaultTag.text) : undefined,
      typeText: (typeNode?.getText() ?? checker.typeToString(checker.getTypeOfSymbol(property))).replace(/\s+/g, " "),
    };
  });
}

/** True when `type` is the `Construct` class of the constructs library or derives from it. */
function isConstructClass(checker: ts.TypeChecker, type: ts.Type): boolean {
  if (type.symbol?.getName() === "Construct") return true;
  if (!type.isClassOrInterface()) return false;
  return checker.getBaseTypes(type).some((base) => isConstructClass(checker, base));
}

/**
 * Every construct class that index.ts exports (a class deriving from
 * `Construct`, a TerraformStack included), with the members of the type of
 * its constructor's `props` parameter, in declaration order.
 */
export function publicConstructs(): PublicConstruct[] {
  const { checker, exportsByName } = load();
  const constructs: PublicConstruct[] = [];
  for (let symbol of exportsByName.values()) {
    if (symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    if (!(symbol.flags & ts.SymbolFlags.Class) || !symbol.valueDeclaration) continue;
    const classType = checker.getDeclaredTypeOfSymbol(symbol);
    if (!isConstructClass(checker, classType) || symbol.getName() === "Construct") continue;
    const declaration = symbol.valueDeclaration as ts.ClassDeclaration;
    const props = declaration.members
      .find(ts.isConstructorDeclaration)
      ?.parameters.find((parameter) => parameter.name.getText() === "props");
    if (!props) throw new Error(`construct ${symbol.getName()} has no constructor parameter named props`);
    constructs.push({ name: symbol.getName(), props: propDocs(checker, checker.getTypeAtLocation(props)) });
  }
  return constructs;
}
