#!/usr/bin/env node
// Writes TypeScript declarations from planlint's JSON Schemas, which the core generates from its
// Rust property tables (`planlint schema`, committed as core/schema/*.schema.json and checked by
// core/tests). So the types follow the Rust model: nothing here is kept by hand.
//
// Usage: node gen-dts.mjs OUT.d.ts NAME=SCHEMA.json [NAME=SCHEMA.json…]
// Each schema's `$defs` become interfaces; its root becomes NAME (an interface or a type).
// A schema keyword this script does not understand stops it (better no types than wrong ones).

import { readFileSync, writeFileSync } from "node:fs";

/** Keywords that only describe or constrain values TypeScript cannot express. */
const DESCRIPTIVE = new Set([
  "$schema", "$id", "title", "description", "examples", "minimum", "maximum",
  "exclusiveMinimum", "exclusiveMaximum", "pattern", "format", "default",
  "minItems", "maxItems", "minLength", "maxLength", "additionalProperties",
]);
/** Keywords that make the type. */
const STRUCTURAL = new Set([
  "type", "properties", "required", "items", "$ref", "$defs", "enum", "const", "anyOf", "oneOf",
]);

const JS_NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

class Generator {
  constructor() {
    /** name → declaration text */
    this.decls = new Map();
    this.origin = new Map();
  }

  /** A JSDoc comment from a schema's description (with its known values, if any). */
  doc(schema, indent) {
    let text = schema.description ?? "";
    if (schema.minimum !== undefined && /integer|number/.test(String(schema.type))) {
      text += `${text ? " " : ""}(≥ ${schema.minimum})`;
    }
    if (!text) return "";
    const lines = text.replaceAll("*/", "*\\/").split("\n");
    if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`;
    return `${indent}/**\n${lines.map((l) => `${indent} * ${l}`).join("\n")}\n${indent} */\n`;
  }

  check(schema, where) {
    for (const k of Object.keys(schema)) {
      if (!DESCRIPTIVE.has(k) && !STRUCTURAL.has(k)) {
        throw new Error(`${where}: JSON Schema keyword ${JSON.stringify(k)} is not supported by gen-dts.mjs`);
      }
    }
  }

  /** The TypeScript type of a schema; `name` names an object type that gets hoisted. */
  type(schema, where, name) {
    if (schema === true || (schema && Object.keys(schema).every((k) => DESCRIPTIVE.has(k)))) {
      return "unknown";
    }
    this.check(schema, where);
    if (schema.$ref) {
      const m = /^#\/\$defs\/(.+)$/.exec(schema.$ref);
      if (!m) throw new Error(`${where}: only local $refs (#/$defs/…) are supported`);
      return m[1];
    }
    if (schema.const !== undefined) return JSON.stringify(schema.const);
    if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(" | ");
    const alts = schema.anyOf ?? schema.oneOf;
    if (alts) return alts.map((s, i) => this.wrap(this.type(s, `${where}/${i}`, `${name}${i}`))).join(" | ");
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    return types
      .map((t) => {
        switch (t) {
          case "string":
            // Open string sets (`Other(String)` in the model): known values, any other string.
            if (schema.examples?.length) {
              return `${schema.examples.map((v) => JSON.stringify(v)).join(" | ")} | (string & {})`;
            }
            return "string";
          case "integer":
          case "number":
            return "number";
          case "boolean":
            return "boolean";
          case "null":
            return "null";
          case "array": {
            const item = schema.items ? this.type(schema.items, `${where}/items`, `${name}Item`) : "unknown";
            return `${this.wrap(item)}[]`;
          }
          case "object":
            if (schema.properties) {
              this.object(name, schema, where);
              return name;
            }
            if (schema.additionalProperties && schema.additionalProperties !== true) {
              return `Record<string, ${this.type(schema.additionalProperties, `${where}/*`, `${name}Value`)}>`;
            }
            return "Record<string, unknown>";
          default:
            throw new Error(`${where}: unsupported type ${JSON.stringify(t)}`);
        }
      })
      .join(" | ");
  }

  wrap(t) {
    return /[|&]/.test(t) ? `(${t})` : t;
  }

  /** Declares an interface for an object schema. */
  object(name, schema, where) {
    if (this.decls.has(name)) {
      if (this.origin.get(name) !== where) {
        throw new Error(`${where}: type name ${name} already used by ${this.origin.get(name)}`);
      }
      return;
    }
    this.decls.set(name, null); // reserve: breaks cycles
    this.origin.set(name, where);
    const required = new Set(schema.required ?? []);
    let body = "";
    for (const [key, prop] of Object.entries(schema.properties)) {
      const fieldType = this.type(prop, `${where}/properties/${key}`, name + pascal(key));
      const fieldName = JS_NAME.test(key) ? key : JSON.stringify(key);
      body += this.doc(prop, "  ");
      body += `  ${fieldName}${required.has(key) ? "" : "?"}: ${fieldType};\n`;
    }
    this.decls.set(name, `${this.doc(schema, "")}export interface ${name} {\n${body}}\n`);
  }

  /** Declares every `$defs` entry of a schema and its root as `export type rootName`. */
  schema(rootName, schema, file) {
    this.check(schema, file);
    for (const [name, def] of Object.entries(schema.$defs ?? {})) {
      const where = `${file}#/$defs/${name}`;
      if (def.type === "object" && def.properties) {
        this.object(name, def, where);
      } else {
        this.decls.set(name, `${this.doc(def, "")}export type ${name} = ${this.type(def, where, name)};\n`);
        this.origin.set(name, where);
      }
    }
    const { $defs, ...root } = schema;
    if (root.type === "object" && root.properties) {
      this.object(rootName, root, file);
    } else {
      this.decls.set(rootName, `${this.doc(root, "")}export type ${rootName} = ${this.type(root, file, `${rootName}Item`)};\n`);
    }
  }
}

function pascal(s) {
  return s.replace(/(^|_)([a-z])/g, (_, __, c) => c.toUpperCase());
}

const [out, ...inputs] = process.argv.slice(2);
if (!out || inputs.length === 0) {
  console.error("usage: node gen-dts.mjs OUT.d.ts NAME=SCHEMA.json [NAME=SCHEMA.json…]");
  process.exit(2);
}
const gen = new Generator();
const sources = [];
for (const arg of inputs) {
  const [name, file] = arg.split("=");
  gen.schema(name, JSON.parse(readFileSync(file, "utf8")), file);
  sources.push(file.replace(/^.*?(core\/schema\/)/, "$1"));
}
const header =
  `// Generated by bindings-wasm/scripts/gen-dts.mjs from ${sources.join(", ")}\n` +
  "// (which the core generates from its Rust property tables). Do not edit.\n\n";
writeFileSync(out, header + [...gen.decls.values()].join("\n"));
