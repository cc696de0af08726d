// Evaluates a pipeline's workflow:rules with gitlab-ci-local's own rules engine.
// gitlab-ci-local 4.65.1 applies every job's rules (its --list) but not workflow:rules, so the
// tests ask its evaluator directly: stdin {"rules": [...], "variables": {...}}, stdout the `when`.
// Usage: node workflow_rules.mjs <gitlab-ci-local package folder>
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const { Utils } = await import(pathToFileURL(join(process.argv[2], "src", "utils.js")).href);
const { rules, variables } = JSON.parse(readFileSync(0, "utf8"));
const opt = { argv: { evaluateRuleChanges: false }, cwd: process.cwd(), rules, variables };
process.stdout.write(Utils.getRulesResult(opt, null).when + "\n");
