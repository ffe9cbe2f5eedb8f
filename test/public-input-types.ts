/**
 * Finds the optional properties of parallellm's public input types that do
 * not accept `undefined`: what a consumer passes to a public function, method
 * or constructor, and what a callback it passes returns. Under
 * `exactOptionalPropertyTypes` such a property refuses `undefined`, so a
 * consumer cannot pass on a value that may be undefined (`server?.clientsFor()`).
 */
import { resolve } from "node:path";
import ts from "typescript";

/** `file:line Owner.property` for each optional input property whose type leaves out `undefined`. */
export function optionalInputsRefusingUndefined(root: string, entryPoints: readonly string[]): string[] {
  const program = ts.createProgram(
    entryPoints.map((entry) => resolve(root, entry)),
    { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, strict: true, noEmit: true },
  );
  const checker = program.getTypeChecker();
  const source = resolve(root, "src");
  const ours = (declaration: ts.Node) => declaration.getSourceFile().fileName.startsWith(source);
  const seen = new Set<ts.Type>();
  const found = new Set<string>();

  const visitInput = (type: ts.Type): void => {
    if (seen.has(type)) return;
    seen.add(type);
    if (type.isUnion() || type.isIntersection()) {
      for (const member of type.types) visitInput(member);
      return;
    }
    if (!(type.flags & ts.TypeFlags.Object)) return;
    const declarations = type.getSymbol()?.getDeclarations() ?? [];
    if (declarations.length > 0 && !declarations.some(ours)) {
      // A vendor type (zod, an SDK, Node): look inside only its type arguments, which may be ours.
      for (const argument of [
        ...(type.aliasTypeArguments ?? []),
        ...checker.getTypeArguments(type as ts.TypeReference),
      ]) {
        visitInput(argument);
      }
      return;
    }
    if (checker.isArrayType(type) || checker.isTupleType(type)) {
      for (const element of checker.getTypeArguments(type as ts.TypeReference)) visitInput(element);
      return;
    }
    // A callback a consumer writes: what it returns is theirs, what it is given is ours.
    for (const signature of type.getCallSignatures()) visitInput(unwrapPromise(signature.getReturnType()));
    for (const property of type.getProperties()) {
      const declaration = property.valueDeclaration ?? property.getDeclarations()?.[0];
      if (!declaration || !ours(declaration)) continue;
      // Optional methods are left out or written, not passed on from a value that may be undefined.
      const isProperty = ts.isPropertySignature(declaration) || ts.isPropertyDeclaration(declaration);
      if (isProperty && property.flags & ts.SymbolFlags.Optional && !declaredWithUndefined(declaration)) {
        found.add(where(declaration, property.name));
      }
      if (isProperty && partialRefusingUndefined(declaration)) {
        found.add(`${where(declaration, property.name)} (Partial<…>)`);
      }
      visitInput(checker.getTypeOfSymbolAtLocation(property, declaration));
    }
  };

  const where = (declaration: ts.Declaration, name: string): string => {
    const file = declaration.getSourceFile();
    const { line } = file.getLineAndCharacterOfPosition(declaration.getStart());
    return `${file.fileName.slice(root.length + 1)}:${line + 1} ${ownerName(declaration)}.${name}`;
  };

  /** A `Partial<T>` in the property's type, where a property of T refuses `undefined` (as `Partial<Record<K, V>>` does). */
  const partialRefusingUndefined = (declaration: ts.PropertySignature | ts.PropertyDeclaration): boolean => {
    let refuses = false;
    const visit = (node: ts.Node): void => {
      if (ts.isTypeReferenceNode(node) && node.typeName.getText() === "Partial" && node.typeArguments?.[0]) {
        const properties = checker.getTypeFromTypeNode(node.typeArguments[0]).getProperties();
        refuses ||= properties.some((property) => {
          const declared = property.valueDeclaration;
          return !declared || !(ts.isPropertySignature(declared) && declaredWithUndefined(declared));
        });
      }
      ts.forEachChild(node, visit);
    };
    if (declaration.type) visit(declaration.type);
    return refuses;
  };

  const unwrapPromise = (type: ts.Type): ts.Type =>
    type.getSymbol()?.name === "Promise" ? (checker.getTypeArguments(type as ts.TypeReference)[0] ?? type) : type;

  const visitCallable = (type: ts.Type): void => {
    for (const signature of [...type.getCallSignatures(), ...type.getConstructSignatures()]) {
      for (const parameter of signature.getParameters()) {
        const declaration = parameter.valueDeclaration;
        if (declaration) visitInput(checker.getTypeOfSymbolAtLocation(parameter, declaration));
      }
    }
  };

  /** The methods of a public class or interface, static and instance. */
  const visitMembers = (type: ts.Type): void => {
    for (const property of type.getProperties()) {
      const declaration = property.valueDeclaration ?? property.getDeclarations()?.[0];
      if (!declaration || !ours(declaration)) continue;
      if (ts.getCombinedModifierFlags(declaration as ts.Declaration) & ts.ModifierFlags.Private) continue;
      visitCallable(checker.getTypeOfSymbolAtLocation(property, declaration));
    }
  };

  for (const entry of entryPoints) {
    const file = program.getSourceFile(resolve(root, entry));
    const module = file && checker.getSymbolAtLocation(file);
    if (!module) throw new Error(`${entry} is not a module`);
    for (const exported of checker.getExportsOfModule(module)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const declaration = symbol.valueDeclaration ?? symbol.getDeclarations()?.[0];
      if (!declaration) continue;
      if (symbol.flags & ts.SymbolFlags.Value) {
        const valueType = checker.getTypeOfSymbolAtLocation(symbol, declaration);
        visitCallable(valueType);
        visitMembers(valueType);
      }
      if (symbol.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Interface)) {
        visitMembers(checker.getDeclaredTypeOfSymbol(symbol));
      }
    }
  }
  return [...found].sort();
}

/** Whether the property was written `name?: T | undefined` (or its type otherwise admits `undefined`). */
function declaredWithUndefined(declaration: ts.PropertySignature | ts.PropertyDeclaration): boolean {
  const typeNode = declaration.type;
  if (!typeNode) return false;
  const admits = (node: ts.TypeNode): boolean => {
    if (ts.isParenthesizedTypeNode(node)) return admits(node.type);
    if (ts.isUnionTypeNode(node)) return node.types.some(admits);
    return (
      node.kind === ts.SyntaxKind.UndefinedKeyword ||
      node.kind === ts.SyntaxKind.AnyKeyword ||
      node.kind === ts.SyntaxKind.UnknownKeyword
    );
  };
  return admits(typeNode);
}

/** The interface, class or type alias a property is declared in. */
function ownerName(declaration: ts.Declaration): string {
  for (let node: ts.Node = declaration.parent; node; node = node.parent) {
    if (
      (ts.isInterfaceDeclaration(node) || ts.isClassDeclaration(node) || ts.isTypeAliasDeclaration(node)) &&
      node.name
    ) {
      return node.name.text;
    }
  }
  return "(anonymous)";
}
