import fs from "node:fs";
import path from "node:path";

import { expect } from "chai";

const ROOT = path.resolve(import.meta.dirname, "..");

function sourceFiles(folder: string): string[] {
  return fs.readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

function imports(file: string): string[] {
  const text = fs.readFileSync(file, "utf8");
  return [...text.matchAll(/(?:import|export)[^"']*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)].map((match) => match[1] ?? match[2]);
}

describe("layering", () => {
  for (const layer of ["src/domain", "src/storage", "src/search"]) {
    it(`${layer} imports no federation or views`, () => {
      const offenders: string[] = [];
      for (const file of sourceFiles(path.join(ROOT, layer))) {
        for (const specifier of imports(file)) {
          if (!specifier.startsWith(".")) continue;
          const target = path.relative(ROOT, path.resolve(path.dirname(file), specifier));
          if (target.startsWith("federation") || target.startsWith("views") || target.startsWith(path.join("src", "web"))) {
            offenders.push(`${path.relative(ROOT, file)} -> ${target}`);
          }
        }
        for (const specifier of imports(file)) {
          if (specifier.startsWith("@fedify/") || specifier === "express" || specifier.startsWith("preact")) offenders.push(`${path.relative(ROOT, file)} -> ${specifier}`);
        }
      }
      expect(offenders).to.deep.equal([]);
    });
  }

  it("finds the imports it checks", () => {
    // Guards the check itself: a broken pattern would make the test above pass vacuously.
    const found = imports(path.join(ROOT, "src/domain/practices.ts"));
    expect(found).to.include("./practice.ts");
  });
});
