/**
 * The REPL's per-input work, in process: turning typed text into code
 * (`plan`: sucrase + acorn + hoisting) and evaluating it in the REPL's
 * scope. The whole per-input overhead, process included, is measured by
 * `bench/repl_startup.ts`.
 */

import { plan } from "../repl/transform.ts";
import { Evaluator } from "../repl/evaluate.ts";

const evaluator = new Evaluator();

Deno.bench("repl plan: expression (sync)", { group: "plan", baseline: true }, () => {
  plan("1 + 2");
});

Deno.bench("repl plan: top-level await, declarations hoisted", { group: "plan" }, () => {
  plan("const { a, b } = await fetchBoth(); a + b");
});

Deno.bench("repl plan: top-level yield*", { group: "plan" }, () => {
  plan("const v: number = yield* sleep(0, 1); v");
});

Deno.bench("repl plan: 20-line TypeScript input", { group: "plan" }, () => {
  plan(
    Array.from({ length: 20 }, (_, i) => `const v${i}: number = await f(${i}) as number;`).join(
      "\n",
    ),
  );
});

const expression = plan("1 + 2").code;
const object = plan("({ a: 1 })").code;
const declaration = plan("let benchValue = 1");

Deno.bench("repl evaluate: expression", { group: "evaluate", baseline: true }, () => {
  evaluator.evaluate(expression);
});

Deno.bench("repl evaluate: object value", { group: "evaluate" }, () => {
  evaluator.evaluate(object);
});

Deno.bench("repl evaluate: let declaration (declare, then evaluate)", { group: "evaluate" }, () => {
  evaluator.declare(declaration, false);
  evaluator.evaluate(declaration.code);
});
