import { describe, expect, it } from "vitest";
import { CliError, UsageError } from "./cli-error.js";
import { importPostgres, postgresTargetOf } from "./workspace-args.js";

describe("importPostgres", () => {
  it("says in one line what to install when the pg package is missing", async () => {
    // What Node's ESM loader throws when a module imports a package that is not installed.
    const missing = Object.assign(new Error("Cannot find package 'pg' imported from /app/dist/store/postgres/x.js"), {
      code: "ERR_MODULE_NOT_FOUND",
    });
    const refused = importPostgres(() => Promise.reject(missing));
    await expect(refused).rejects.toThrow(CliError);
    await expect(refused).rejects.toThrow(
      "--pg needs the pg package, which is not installed; install it with npm install pg.",
    );
  });

  it("passes any other failure on as it is", async () => {
    const other = Object.assign(new Error("Cannot find package 'pg-native' imported from /app/x.js"), {
      code: "ERR_MODULE_NOT_FOUND",
    });
    await expect(importPostgres(() => Promise.reject(other))).rejects.toBe(other);
    await expect(importPostgres(async () => 42)).resolves.toBe(42);
  });
});

describe("postgresTargetOf", () => {
  it("takes --pg and --pg-schema, and refuses a schema without a URL or a URL that is not PostgreSQL's, without its password", () => {
    expect(postgresTargetOf({})).toBeUndefined();
    expect(postgresTargetOf({ pg: "postgres://u@h/db", "pg-schema": "team" })).toEqual({
      url: "postgres://u@h/db",
      schema: "team",
    });
    expect(() => postgresTargetOf({ "pg-schema": "team" })).toThrow(UsageError);
    expect(() => postgresTargetOf({ pg: "mysql://u:hunter2@h/db" })).toThrow(
      "--pg takes a URL that starts with postgres:// or postgresql://; got mysql://u:***@h/db.",
    );
  });
});
