// The Hierarchies, Workflows and Work item types pages in Chromium: a level reordered by keyboard (Alt+Arrow Down),
// the Story level — used by six work item types — deleted through the dependency dialog, which lists them and asks
// where they move (reassigned to Epic, then deleted); a level created (a taken number refused under its field) and
// one edited in the generated forms; a workflow step created, an edit of it previewed and cancelled, and a step in
// use deleted with its status names reassigned; a work item type created, an unmapped source type mapped to it in
// bulk, the type renamed and deleted with its source type reassigned; the workflow shows its one commitment point; the types list
// their source names and counts. Viewers see no actions. No serious axe violation; screenshots light/dark, 390 px.
import type { Page } from "playwright-core";
import { assert, assertEquals } from "../support/assert.ts";
import { hasChromium, launchBrowser, screenshotSizes } from "../support/browser.ts";
import { assertAccessibleThemes } from "../support/axe.ts";
import { startTestApp } from "../support/app.ts";
import { pageReady, signIn } from "../support/sign_in.ts";
import { primaryKind } from "../support/db.ts";
import { setupIslands } from "../../server/islands/mod.ts";
import { addSourceRows, jiraIntegrationOf } from "../vocab/support.ts";

const kind = primaryKind();

const levelNames = (page: Page) =>
  page.$$eval("#levels tbody tr td:nth-child(2)", (cells) => cells.map((c) => c.textContent));

/** Saves an open form dialog and waits for it to close (a field error would keep it open and time out). */
async function submitDialog(page: Page, id: string) {
  await page.click(`#${id} button[type="submit"]`);
  await page.waitForFunction((id) => !document.querySelector(`dialog[open] #${id}`), id);
}

/** Deleting something in use without choosing where its dependents go is refused in the dialog. */
async function confirmNeedsTarget(page: Page, id: string) {
  await page.click(`#${id} [data-confirm]`);
  await page.waitForSelector(`#${id} .field-error, #${id} [role=alert]`);
}

async function reassignAndDelete(page: Page, id: string, targetId: string) {
  await page.selectOption("#reassign-target", targetId);
  await page.click(`#${id} [data-confirm]`);
  await page.waitForFunction((id) => !document.querySelector(`dialog[open] #${id}`), id);
}

Deno.test({
  name: `vocabulary pages[${kind}]: keyboard reorder, delete a level in use with reassignment, workflow, types`,
  ignore: !hasChromium(),
  fn: async () => {
    await setupIslands();
    const app = await startTestApp(kind);
    const browser = await launchBrowser({ viewport: { width: 1280, height: 900 } });
    try {
      const tenantId = await app.tenant("Acme");
      const admin = await app.user(tenantId, "admin");
      const viewer = await app.user(tenantId, "viewer");
      const integrationId = await jiraIntegrationOf(app.db, tenantId);
      await addSourceRows(app.db, { tenantId, integrationId }, {
        statuses: [["Backlog", "To Do"], ["In Progress", "In Progress"]],
        types: ["Story", "Bug", "Epic", "Risk"],
        items: [["Story", "Backlog", 3], ["Bug", "In Progress", 2], ["Epic", "Backlog", 1], ["Risk", "Backlog", 2]],
      });

      const page = await browser.newPage();
      await signIn(page, app, admin.email);
      await page.click('nav a[href="/hierarchies"]');
      await page.waitForURL(`${app.url}/hierarchies`);
      await pageReady(page);
      assertEquals(await levelNames(page), [
        "Capital Investment",
        "Product Objective",
        "Milestone",
        "Epic",
        "Story",
        "Sub-task",
      ]);
      await screenshotSizes(page, "hierarchies");
      await assertAccessibleThemes(page, "hierarchies page");

      // keyboard: Milestone down one place (it takes level 1, Epic moves up to 2)
      await page.focus("tr[data-row] >> nth=2");
      await page.keyboard.press("Alt+ArrowDown");
      await page.waitForFunction(() =>
        document.querySelector("#levels tbody tr:nth-child(4) td:nth-child(2)")?.textContent === "Milestone"
      );
      const [{ number }] = await app.db.query<{ number: number }>(
        "SELECT level_number AS number FROM wits_hierarchies WHERE integration_id = $1 AND level_name = 'Milestone'",
        [integrationId],
      );
      assertEquals(number, 1, "stored: Milestone now has Epic's old number");
      assertEquals(await page.evaluate(() => document.activeElement?.textContent?.includes("Milestone")), true);

      // Story is used by six types: the dialog lists them, asks where they go, and the level is deleted after
      await page.click('button[aria-label="Delete Story"]');
      await page.waitForSelector("dialog[open] #remove-level");
      const dialog = await page.textContent("#remove-level");
      for (const name of ["Story", "Bug", "Task", "Tech Enhancement"]) assert(dialog?.includes(name), `${name} listed`);
      await screenshotSizes(page, "hierarchies-delete");
      await confirmNeedsTarget(page, "remove-level");
      const epic = await app.db.query<{ id: number }>(
        "SELECT id FROM wits_hierarchies WHERE integration_id = $1 AND level_name = 'Epic'",
        [integrationId],
      );
      await reassignAndDelete(page, "remove-level", String(epic[0].id));
      await page.waitForFunction(() =>
        ![...document.querySelectorAll("#levels tbody td:nth-child(2)")].some((c) => c.textContent === "Story")
      );
      const [{ types }] = await app.db.query<{ types: number }>(
        "SELECT count(*)::int AS types FROM wit_types WHERE wits_hierarchy_id = $1",
        [epic[0].id],
      );
      assertEquals(types, 7, "Epic holds its own type and the six moved ones");
      const epicRow = await page.textContent(`tr[data-row="${epic[0].id}"]`);
      assert(epicRow?.includes("6"), `Epic's work items: Story 3 + Bug 2 + Epic 1 (${epicRow})`);

      // create: a taken number is refused under its field, a free one is stored and listed
      await page.click("#new-level");
      await page.waitForSelector("dialog[open] #level-form");
      await page.fill("#level-form-number", "1");
      await page.fill("#level-form-name", "Feature");
      await page.fill("#level-form-description", "between epics and stories");
      await screenshotSizes(page, "hierarchies-create");
      await page.click('#level-form button[type="submit"]');
      const taken = await page.waitForSelector("#level-form-number-error");
      assert((await taken.textContent())?.includes("another level"), "the duplicate number is named");
      await page.fill("#level-form-number", "50");
      await submitDialog(page, "level-form");
      await page.waitForFunction(() =>
        document.querySelector("#levels tbody tr td:nth-child(2)")?.textContent === "Feature"
      );
      const [created] = await app.db.query<{ number: number; description: string }>(
        "SELECT level_number AS number, description FROM wits_hierarchies WHERE integration_id = $1 AND level_name = 'Feature'",
        [integrationId],
      );
      assertEquals(created, { number: 50, description: "between epics and stories" });

      // edit: the form opens with the stored values; the rename is stored and shown
      await page.click('button[aria-label="Edit Sub-task"]');
      await page.waitForSelector("dialog[open] #level-form");
      assertEquals(await page.inputValue("#level-form-name"), "Sub-task");
      await page.fill("#level-form-name", "Subtask");
      await page.fill("#level-form-description", "the smallest pieces");
      // the level number too: another level's is refused under the field, a free one is stored
      await page.fill("#level-form-number", "50");
      await page.click('#level-form button[type="submit"]');
      assert((await (await page.waitForSelector("#level-form-number-error")).textContent())?.includes("another level"));
      await page.fill("#level-form-number", "-5");
      await submitDialog(page, "level-form");
      await page.waitForFunction(() =>
        document.querySelector("#levels tbody tr:last-child td:nth-child(2)")?.textContent === "Subtask"
      );
      const [edited] = await app.db.query<{ description: string; number: number }>(
        `SELECT description, level_number AS number FROM wits_hierarchies
          WHERE integration_id = $1 AND level_name = 'Subtask'`,
        [integrationId],
      );
      assertEquals(edited, { description: "the smallest pieces", number: -5 });

      await page.click('nav a[href="/workflows"]');
      await page.waitForURL(`${app.url}/workflows`);
      await pageReady(page);
      assertEquals(await page.$$eval("#commitment-point", (b) => b.length), 1);
      assert((await page.textContent("#steps tr:has(#commitment-point)"))?.includes("To Do"));
      await screenshotSizes(page, "workflows");
      await assertAccessibleThemes(page, "workflows page");

      // workflow: a step created, then renamed and made the commitment point, then a step in use deleted with its
      // status names moved to the new one
      await page.click("#new-step");
      await page.waitForSelector("dialog[open] #step-form");
      await page.fill("#step-form-name", "Review");
      await page.selectOption("#step-form-category", "Waiting");
      await screenshotSizes(page, "workflows-create");
      await submitDialog(page, "step-form");
      await page.waitForFunction(() => document.querySelector("#steps")?.textContent?.includes("Review"));
      const [review] = await app.db.query<{ id: number; category: string }>(
        "SELECT id, step_category AS category FROM workflows WHERE integration_id = $1 AND step_name = 'Review'",
        [integrationId],
      );
      assertEquals(review.category, "Waiting");

      // a step edit is previewed first (tests/e2e/workflow_preview_test.ts applies one): Cancel keeps nothing
      await page.click('button[aria-label="Edit Review"]');
      await page.waitForSelector("dialog[open] #step-form");
      assertEquals(await page.inputValue("#step-form-name"), "Review");
      await page.fill("#step-form-name", "Peer review");
      await page.check("#step-form-commitmentPoint");
      await submitDialog(page, "step-form");
      await page.waitForSelector("dialog[open] #step-preview #effect");
      await page.click('#step-preview button:has-text("Cancel")');
      await page.waitForSelector("dialog[open] #step-preview", { state: "detached" });
      const points = await app.db.query<{ name: string }>(
        "SELECT step_name AS name FROM workflows WHERE integration_id = $1 AND is_commitment_point AND active",
        [integrationId],
      );
      assertEquals(points.length, 1);
      assert(points[0].name !== "Peer review", "the previewed change was not saved");

      const [used] = await app.db.query<{ id: number; name: string; mappings: number }>(
        `SELECT w.id, w.step_name AS name, count(*)::int AS mappings FROM workflows w
           JOIN statuses_mappings m ON m.workflow_id = w.id
          WHERE w.integration_id = $1 AND w.active GROUP BY w.id ORDER BY count(*) DESC, w.id LIMIT 1`,
        [integrationId],
      );
      await page.click(`button[aria-label="Delete ${used.name}"]`);
      await page.waitForSelector("dialog[open] #remove-step");
      await screenshotSizes(page, "workflows-delete");
      await confirmNeedsTarget(page, "remove-step");
      await reassignAndDelete(page, "remove-step", String(review.id));
      await page.waitForSelector(`#steps tr[data-row="${used.id}"]`, { state: "detached" });
      const [{ moved }] = await app.db.query<{ moved: number }>(
        "SELECT count(*)::int AS moved FROM statuses_mappings WHERE workflow_id = $1",
        [review.id],
      );
      assertEquals(moved, used.mappings, `${used.name}'s status names now map to Review`);
      assertEquals(
        (await app.db.query("SELECT 1 FROM workflows WHERE id = $1", [used.id])).length,
        0,
        `${used.name} deleted`,
      );

      await page.click('nav a[href="/wits"]');
      await page.waitForURL(`${app.url}/wits`);
      await pageReady(page);
      assert((await page.textContent("#types"))?.includes("Story, User Story"));
      await page.waitForSelector('#unmapped-types [data-source="Risk"]');
      await screenshotSizes(page, "wits");
      await assertAccessibleThemes(page, "work item types page");

      // types: one created on Epic's level, the unmapped Risk mapped to it in bulk, renamed, then deleted with
      // Risk moved to Task
      const typeId = async (name: string) =>
        (await app.db.query<{ id: number }>(
          "SELECT id FROM wit_types WHERE integration_id = $1 AND name = $2",
          [integrationId, name],
        ))[0]?.id;
      await page.click("#new-type");
      await page.waitForSelector("dialog[open] #type-form");
      await page.fill("#type-form-name", "Research");
      await page.fill("#type-form-description", "to be cleared");
      await page.selectOption("#type-form-levelId", String(epic[0].id));
      await submitDialog(page, "type-form");
      const research = await typeId("Research");
      await page.waitForSelector(`#types tr[data-row="${research}"]`);
      assert((await page.textContent(`#types tr[data-row="${research}"]`))?.includes("Epic"), "on Epic's level");

      await page.check('#unmapped-types [data-source="Risk"]');
      await page.selectOption("#unmapped-target", String(research));
      await page.click("#map-unmapped");
      await page.waitForSelector("#unmapped-types", { state: "detached" });
      await page.waitForFunction(
        (id) => document.querySelector(`#types tr[data-row="${id}"]`)?.textContent?.includes("Risk"),
        research,
      );
      const mappedTo = async () =>
        (await app.db.query<{ type: number }>(
          `SELECT m.wit_type_id AS type FROM wits w JOIN wits_mappings m ON m.id = w.wits_mapping_id
            WHERE w.integration_id = $1 AND w.original_name = 'Risk'`,
          [integrationId],
        ))[0]?.type;
      assertEquals(await mappedTo(), research, "stored: Risk maps to Research");

      await page.click('button[aria-label="Edit Research"]');
      await page.waitForSelector("dialog[open] #type-form");
      assertEquals(await page.inputValue("#type-form-levelId"), String(epic[0].id));
      await page.fill("#type-form-name", "Investigation");
      await page.fill("#type-form-description", "");
      await submitDialog(page, "type-form");
      await page.waitForFunction(
        (id) => document.querySelector(`#types tr[data-row="${id}"]`)?.textContent?.includes("Investigation"),
        research,
      );
      assertEquals(await typeId("Investigation"), research, "stored: renamed");
      const [{ cleared }] = await app.db.query<{ cleared: string | null }>(
        "SELECT description AS cleared FROM wit_types WHERE id = $1",
        [research],
      );
      assertEquals(cleared, null, "stored: the emptied description is cleared");

      await page.click('button[aria-label="Delete Investigation"]');
      await page.waitForSelector("dialog[open] #remove-type");
      assert((await page.textContent("#remove-type"))?.includes("Risk"), "Risk listed as depending");
      await screenshotSizes(page, "wits-delete");
      await confirmNeedsTarget(page, "remove-type");
      const task = await typeId("Task");
      await reassignAndDelete(page, "remove-type", String(task));
      await page.waitForSelector(`#types tr[data-row="${research}"]`, { state: "detached" });
      assertEquals(await typeId("Investigation"), undefined, "stored: deleted");
      assertEquals(await mappedTo(), task, "stored: Risk now maps to Task");
      await page.close();

      const viewerPage = await browser.newPage();
      await signIn(viewerPage, app, viewer.email);
      await viewerPage.goto(`${app.url}/hierarchies`);
      await pageReady(viewerPage);
      assertEquals(await viewerPage.$$eval("#levels button", (b) => b.length), 0, "viewers see no actions");
      for (const path of ["/workflows", "/wits"]) {
        await viewerPage.goto(`${app.url}${path}`);
        await pageReady(viewerPage);
        assertEquals(await viewerPage.$$eval("main button", (b) => b.length), 0, `viewers see no actions on ${path}`);
        assert(await viewerPage.$("#steps, #types"), `${path} lists its rows to viewers`);
      }
      await viewerPage.close();
    } finally {
      await browser.close();
      await app.close();
    }
  },
});
