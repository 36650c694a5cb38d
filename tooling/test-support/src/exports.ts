// Public surfaces pinned (CONTRIBUTING.md, "Public surfaces are lean"): each package checks in the names its entry
// points export, split into values and types, so a leaked internal or a rename shows up as a changed test.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export interface ExportList {
  /** Runtime exports (what `Object.keys(await import(entry))` gives). */
  values: string[];
  /** Type-only exports (interfaces, type aliases). */
  types: string[];
}

/** The names `entry` (a TypeScript source file) exports, read by the compiler, each list sorted. */
export function exportsOf(entry: URL): ExportList {
  const file = fileURLToPath(entry);
  const program = ts.createProgram([file], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    noEmit: true,
    skipLibCheck: true,
    // Only the export table is read: no default library and no @types, which would triple the time.
    noLib: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  const module = source === undefined ? undefined : checker.getSymbolAtLocation(source);
  if (module === undefined) throw new Error(`cannot read the exports of ${file}`);
  const values: string[] = [];
  const types: string[] = [];
  for (const s of checker.getExportsOfModule(module)) {
    const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
    // `export type { X }` re-exports only the type meaning even of a class or const.
    const typeOnly = s.declarations?.some((d) => ts.isTypeOnlyExportDeclaration(d)) === true;
    (target.flags & ts.SymbolFlags.Value && !typeOnly ? values : types).push(s.name);
  }
  return { values: values.sort(), types: types.sort() };
}

/** A package's checked-in lists (test/exports.json): entry point (`"."`, `"./ptu"`, …) → its export list. */
export function pinnedExports(file: URL): Record<string, ExportList> {
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, ExportList>;
}
