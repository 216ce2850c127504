import { assert } from "../tests/support/assert.ts";
import { isInfrastructureError } from "./infra_errors.ts";
import { SourceUnavailableError } from "../engine/http/errors.ts";

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

Deno.test("infrastructure errors: database shutdown, connection loss and broker errors are the infrastructure's", () => {
  for (
    const e of [
      withCode("terminating connection due to administrator command", "57P01"),
      withCode("the database system is shutting down", "57P03"),
      withCode("connection failure", "08006"),
      withCode("write CONNECTION_CLOSED 127.0.0.1:5432", "CONNECTION_CLOSED"),
      withCode("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED"),
      new Error("the database system is starting up"),
      Object.assign(new Error("Connection closed"), { name: "AMQPError" }),
      new Error("wrapped", { cause: withCode("x", "ECONNRESET") }),
      new TypeError("Cannot read properties of null (reading 'write')"),
    ]
  ) assert(isInfrastructureError(e), String(e));
});

Deno.test("infrastructure errors: a message's own failures and HTTP services being down are not", () => {
  for (
    const e of [
      withCode('duplicate key value violates unique constraint "x"', "23505"),
      withCode("invalid input syntax for type integer", "22P02"),
      new Error("record 12 has no id"),
      new SourceUnavailableError("network error (Connection refused)", { method: "GET", url: "http://x", attempts: 3 }),
      new TypeError("fetch failed", { cause: new Error("error sending request: Connection refused (os error 111)") }),
      undefined,
    ]
  ) assert(!isInfrastructureError(e), String(e));
});
