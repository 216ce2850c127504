import { assert, assertEquals } from "../../tests/support/assert.ts";
import { primaryKind, withTestDb } from "../../tests/support/db.ts";
import { claimLoginAttempt, recordLoginSuccess } from "./throttle.ts";

const kind = primaryKind();
const t0 = new Date("2026-01-01T00:00:00Z");
const at = (ms: number) => new Date(t0.getTime() + ms);

Deno.test(`throttle[${kind}]: five free attempts per account+IP, then growing waits; success resets`, () =>
  withTestDb(kind, async (db) => {
    for (let i = 0; i < 5; i++) assertEquals(await claimLoginAttempt(db, "a@x.test", "1.1.1.1", t0), 0);
    assertEquals(await claimLoginAttempt(db, "a@x.test", "1.1.1.1", t0), 1000);
    assert(await claimLoginAttempt(db, "a@x.test", "1.1.1.1", at(500)) > 0, "still blocked");
    assertEquals(await claimLoginAttempt(db, "a@x.test", "2.2.2.2", t0), 0, "another address is not affected");
    const later = await claimLoginAttempt(db, "a@x.test", "1.1.1.1", at(1500));
    assert(later >= 2000, `back-off grows: ${later}`);
    await recordLoginSuccess(db, "a@x.test", "1.1.1.1");
    assertEquals(await claimLoginAttempt(db, "a@x.test", "1.1.1.1", at(1600)), 0);
  }));

Deno.test(`throttle[${kind}]: spraying from one IP is stopped after 30 attempts`, () =>
  withTestDb(kind, async (db) => {
    for (let i = 0; i < 30; i++) assertEquals(await claimLoginAttempt(db, `u${i}@x.test`, "6.6.6.6", t0), 0);
    assert(await claimLoginAttempt(db, "fresh@x.test", "6.6.6.6", t0) > 0);
    assertEquals(await claimLoginAttempt(db, "fresh@x.test", "7.7.7.7", t0), 0);
  }));

Deno.test(`throttle[${kind}]: failures from elsewhere never lock the real user out`, () =>
  withTestDb(kind, async (db) => {
    for (let i = 0; i < 150; i++) await claimLoginAttempt(db, "victim@x.test", `10.0.${i >> 2}.${i}`, t0);
    assertEquals(await claimLoginAttempt(db, "victim@x.test", "192.0.2.1", at(10)), 0, "a clean client goes ahead");
    // a client that itself failed on this account is slowed by the account-wide counter
    assert(await claimLoginAttempt(db, "victim@x.test", "10.0.0.0", at(20)) > 0);
  }));

Deno.test(`throttle[${kind}]: counting is atomic under a parallel burst`, () =>
  withTestDb(kind, async (db) => {
    const waits = await Promise.all(
      Array.from({ length: 40 }, () => claimLoginAttempt(db, "burst@x.test", "3.3.3.3", t0)),
    );
    assertEquals(waits.filter((w) => w === 0).length, 5, "only five attempts of the burst may check a password");
  }));
