// Browser tests: wait for a page's islands, and sign in through the login form as a person would.
import type { Page } from "playwright-core";
import { TEST_PASSWORD, type TestApp } from "./app.ts";

export const pageReady = (page: Page) => page.waitForSelector("html[data-sluice-ready]", { state: "attached" });

export async function signIn(page: Page, app: TestApp, email: string) {
  await page.goto(`${app.url}/login`);
  await page.fill("#email", email);
  await page.fill("#password", TEST_PASSWORD);
  await Promise.all([page.waitForURL(`${app.url}/`), page.click("#login-form button[type=submit]")]);
  await pageReady(page);
}
