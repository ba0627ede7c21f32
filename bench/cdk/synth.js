// AWS CDK's own rendering of cross-account ECR pulls, for bench/cdk_comparison.py.
//
// Builds registry stacks (account 987654321098, us-east-1) with N repositories named service-NNNN (at most
// --per-stack a stack, 100 by default: CDK's synth refuses a stack of more than 500 resources, and at 1,000
// repositories x 200 accounts a stack of 500 repositories is a template over CDK's 10 MB check), and
// grants `repository.grantPull(role)` on every repository to the `ecsTaskExecutionRole` of M accounts
// (100000000000 + i). The first A accounts are application stacks of this app (each its own env.account)
// with a real iam.Role; the others are roles this app does not own, imported by literal ARN with
// iam.Role.fromRoleArn in the registry stack. Then app.synth(), and prints one JSON object on stdout.
//
// CDK renders the two differently (aws-ecr/lib/repository.ts, RepositoryBase.grant):
// - a role of another account's stack that the registry stack does not depend on: one statement per role,
//   Principal the account root, Condition StringEquals aws:PrincipalTag/aws-cdk:id = "<stack>_<addr>"
//   (and CDK tags the role with it);
// - an imported role: Grant.addToPrincipalOrResource, the role ARN as the Principal.
//
// When app.synth() fails (CDK's validation), the JSON says so in "error", with the time and memory until then.
//
// Usage: node synth.js --repositories N --accounts M [--apps A] [--per-stack P] (A defaults to M)

"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");
const cdk = require("aws-cdk-lib");
const ecr = require("aws-cdk-lib/aws-ecr");
const iam = require("aws-cdk-lib/aws-iam");
const cxapi = require("aws-cdk-lib/cx-api");

const REGION = "us-east-1";
const REGISTRY_ACCOUNT = "987654321098";
const ROLE_NAME = "ecsTaskExecutionRole";
const LIMIT = 10240; // ECR repository policy, whitespace counted

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) {
    if (fallback === undefined) throw new Error(`--${name} is required`);
    return fallback;
  }
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a whole number`);
  return value;
}

const account = (i) => String(100000000000 + i);

// CloudFormation's pseudo parameters and Fn::Join, as CloudFormation resolves them in this stack.
function resolve(value, env) {
  if (Array.isArray(value)) return value.map((v) => resolve(v, env));
  if (value === null || typeof value !== "object") return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === "Ref" && value.Ref in env.pseudo) return env.pseudo[value.Ref];
  if (keys.length === 1 && keys[0] === "Fn::Join") {
    const [separator, parts] = value["Fn::Join"];
    const resolved = parts.map((p) => resolve(p, env));
    if (resolved.every((p) => typeof p === "string")) return resolved.join(separator);
    env.unresolved = true;
    return { "Fn::Join": [separator, resolved] };
  }
  if (keys.length === 1 && (keys[0] === "Ref" || keys[0].startsWith("Fn::"))) env.unresolved = true;
  return Object.fromEntries(keys.map((k) => [k, resolve(value[k], env)]));
}

function main() {
  const repositories = option("repositories");
  if (repositories < 1) throw new Error("--repositories must be at least 1");
  const accounts = option("accounts");
  const apps = Math.min(option("apps", accounts), accounts);
  const perStack = Math.max(1, option("per-stack", 100));
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "cdk-bench-"));
  const started = process.hrtime.bigint();

  // The flags `cdk init` writes into a new project's cdk.json (among them @aws-cdk/aws-iam:minimizePolicies).
  const app = new cdk.App({ outdir, context: { ...cxapi.NEW_PROJECT_CONTEXT, ...cxapi.CURRENTLY_RECOMMENDED_FLAGS } });
  const registries = [];
  const repos = [];
  for (let r = 0; r < repositories; r++) {
    if (r % perStack === 0) {
      const id = `Registry${registries.length || ""}`;
      registries.push(new cdk.Stack(app, id, { env: { account: REGISTRY_ACCOUNT, region: REGION } }));
    }
    const name = `service-${String(r).padStart(4, "0")}`;
    repos.push(new ecr.Repository(registries[registries.length - 1], name, { repositoryName: name }));
  }
  const registry = registries[0];
  const roles = [];
  for (let a = 0; a < accounts; a++) {
    if (a < apps) {
      const stack = new cdk.Stack(app, `App${a}`, { env: { account: account(a), region: REGION } });
      roles.push(new iam.Role(stack, "TaskRole", {
        roleName: ROLE_NAME,
        assumedBy: new iam.ServicePrincipal("ecs-tasks.amazonaws.com"),
      }));
    } else {
      roles.push(iam.Role.fromRoleArn(registry, `Imported${a}`, `arn:aws:iam::${account(a)}:role/${ROLE_NAME}`));
    }
  }
  for (const role of roles) for (const repo of repos) repo.grantPull(role);
  const built = process.hrtime.bigint();
  let assembly;
  let error = null;
  try {
    assembly = app.synth();
  } catch (failure) {
    error = String(failure.message || failure).split("\n").find((line) => line.trim()) || "synth failed";
  }
  const synthesized = process.hrtime.bigint();

  const env = { pseudo: { "AWS::Partition": "aws", "AWS::URLSuffix": "amazonaws.com", "AWS::Region": REGION, "AWS::AccountId": REGISTRY_ACCOUNT }, unresolved: false };
  const policies = error ? [] : registries
    .flatMap((stack) => Object.entries(assembly.getStackByName(stack.stackName).template.Resources))
    .filter(([, r]) => r.Type === "AWS::ECR::Repository")
    .map(([id, r]) => {
      const text = r.Properties.RepositoryPolicyText;
      const size = text === undefined ? 0 : JSON.stringify(resolve(text, env)).length;
      return { repository: r.Properties.RepositoryName, logical_id: id, size, over: size > LIMIT, statements: text ? text.Statement.length : 0 };
    });
  fs.rmSync(outdir, { recursive: true, force: true });
  const usage = process.resourceUsage();
  const cpu = process.cpuUsage();
  process.stdout.write(JSON.stringify({
    cdk_version: require("aws-cdk-lib/package.json").version,
    node_version: process.version,
    repositories,
    accounts,
    apps,
    registry_stacks: registries.length,
    error,
    build_seconds: Number(built - started) / 1e9,
    synth_seconds: Number(synthesized - built) / 1e9,
    wall_seconds: process.uptime(),
    cpu_seconds: (cpu.user + cpu.system) / 1e6,
    peak_rss_bytes: usage.maxRSS * 1024,
    limit: LIMIT,
    unresolved_intrinsics: env.unresolved,
    policies,
  }) + "\n");
}

main();
