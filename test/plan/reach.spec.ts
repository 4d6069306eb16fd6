import * as assert from "assert";
import { accessGraph, sortEdges } from "../../tools/plan/access";
import { RecordedResource } from "../harness";
import { buildModel, IamModel, OrgFacts } from "../../tools/plan/model";
import { adminEquivalence, computeReach, escalationEdges } from "../../tools/plan/reach";
import { AccessEdge } from "../../tools/plan/types";

/**
 * Chains and privilege escalation on a small organization built directly from recorded resources,
 * so each edge, chain, path and finding is exact.
 */

const ORG = "o-a1b2c3d4e5";
const TOOLING = "444444444444";
const STAGING = "777777777777";
const PROD = "666666666666";
const GITHUB = "token.actions.githubusercontent.com";

const org: OrgFacts = {
  organizationId: ORG,
  rootId: "r-a1b2",
  managementAccountId: "111111111111",
  accounts: [
    { name: "management", id: "111111111111", ou: "root" },
    { name: "tooling", id: TOOLING, ou: "infrastructure" },
    { name: "prod", id: PROD, ou: "workloads" },
    { name: "staging", id: STAGING, ou: "workloads" },
  ],
  organizationalUnits: [
    { name: "infrastructure", id: "ou-a1b2-infra001" },
    { name: "workloads", id: "ou-a1b2-workload1" },
  ],
};

let n = 0;
function resource(
  type: string,
  account: string,
  inputs: Record<string, unknown>,
  dependencies: string[] = [],
): RecordedResource {
  n += 1;
  return {
    urn: `urn:pulumi:test::org-access::${type}::r${n}`,
    type,
    name: `r${n}`,
    custom: true,
    inputs,
    secretInputs: [],
    account,
    protect: false,
    retainOnDelete: false,
    dependencies,
  };
}

const doc = (...Statement: Record<string, unknown>[]) => JSON.stringify({ Version: "2012-10-17", Statement });

function role(
  account: string,
  name: string,
  trust: string,
  policy?: string,
  extra: Record<string, unknown> = {},
) {
  const out = [resource("aws:iam/role:Role", account, { name, assumeRolePolicy: trust, ...extra })];
  if (policy !== undefined)
    out.push(
      resource("aws:iam/rolePolicy:RolePolicy", account, { role: name, name: `${name}-policy`, policy }),
    );
  return out;
}

const trustRole = (arn: string) =>
  doc({
    Sid: "TrustCaller",
    Effect: "Allow",
    Principal: { AWS: arn },
    Action: "sts:AssumeRole",
    Condition: { StringEquals: { "aws:PrincipalOrgID": ORG } },
  });
const assume = (...arns: string[]) =>
  doc({ Sid: "Assume", Effect: "Allow", Action: "sts:AssumeRole", Resource: arns });

/** GitHub → ci → deploy-staging → ops-prod (three hops), ops-prod asking for 2-hour sessions. */
function chainResources(): RecordedResource[] {
  return [
    ...role(
      TOOLING,
      "ci",
      doc({
        Sid: "GitHubMain",
        Effect: "Allow",
        Principal: { Federated: `arn:aws:iam::${TOOLING}:oidc-provider/${GITHUB}` },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            [`${GITHUB}:aud`]: "sts.amazonaws.com",
            [`${GITHUB}:sub`]: "repo:example-org/app:ref:refs/heads/main",
          },
        },
      }),
      assume(`arn:aws:iam::${STAGING}:role/deploy-staging`, `arn:aws:iam::${PROD}:role/builder`),
    ),
    ...role(
      STAGING,
      "deploy-staging",
      trustRole(`arn:aws:iam::${TOOLING}:role/ci`),
      assume(`arn:aws:iam::${PROD}:role/ops-prod`),
    ),
    ...role(PROD, "ops-prod", trustRole(`arn:aws:iam::${STAGING}:role/deploy-staging`), undefined, {
      maxSessionDuration: 7200,
    }),
  ];
}

/** A builder that can pass an administrator task role to ECS and run tasks, and one that can rewrite a trust. */
function escalationResources(): RecordedResource[] {
  const ecsTrust = doc({
    Sid: "EcsTasks",
    Effect: "Allow",
    Principal: { Service: "ecs-tasks.amazonaws.com" },
    Action: "sts:AssumeRole",
    Condition: { StringEquals: { "aws:SourceAccount": PROD } },
  });
  return [
    ...role(
      PROD,
      "builder",
      trustRole(`arn:aws:iam::${TOOLING}:role/ci`),
      doc(
        {
          Sid: "PassTaskRoles",
          Effect: "Allow",
          Action: "iam:PassRole",
          Resource: `arn:aws:iam::${PROD}:role/*`,
          Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
        },
        { Sid: "RunTasks", Effect: "Allow", Action: "ecs:RunTask", Resource: "*" },
      ),
    ),
    ...role(PROD, "task-admin", ecsTrust),
    resource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", PROD, {
      role: "task-admin",
      policyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
    }),
    ...role(
      PROD,
      "trust-editor",
      trustRole(`arn:aws:iam::${STAGING}:role/deploy-staging`),
      doc({
        Sid: "EditTrusts",
        Effect: "Allow",
        Action: "iam:UpdateAssumeRolePolicy",
        Resource: `arn:aws:iam::${PROD}:role/task-admin`,
      }),
    ),
  ];
}

async function analyze(resources: RecordedResource[], maxDepth = 2, admins: string[] = []) {
  const model: IamModel = buildModel(resources, org);
  const graph = await accessGraph(model);
  const adminRoles = await adminEquivalence(model);
  const edges: AccessEdge[] = sortEdges([...graph, ...(await escalationEdges(model, graph, adminRoles))]);
  const reach = computeReach(model, edges, adminRoles, {
    maxDepth,
    isAdminEntry: (e) => admins.includes(e.principal),
  });
  return { model, edges, adminRoles, reach };
}

describe("offline plan: chains and privilege escalation", function () {
  this.timeout(180000);

  it("follows every entry point through role assumptions, with the depth and path of each chain", async () => {
    const { reach } = await analyze(chainResources());
    const github = "github repo:example-org/app:ref:refs/heads/main";
    assert.deepStrictEqual(
      [...reach.reachFrom(github).values()].map((c) => [c.role, c.depth, c.path, c.via]),
      [
        [`arn:aws:iam::${TOOLING}:role/ci`, 1, [github, `arn:aws:iam::${TOOLING}:role/ci`], ["trust"]],
        [
          `arn:aws:iam::${STAGING}:role/deploy-staging`,
          2,
          [github, `arn:aws:iam::${TOOLING}:role/ci`, `arn:aws:iam::${STAGING}:role/deploy-staging`],
          ["trust", "trust"],
        ],
        [
          `arn:aws:iam::${PROD}:role/ops-prod`,
          3,
          [
            github,
            `arn:aws:iam::${TOOLING}:role/ci`,
            `arn:aws:iam::${STAGING}:role/deploy-staging`,
            `arn:aws:iam::${PROD}:role/ops-prod`,
          ],
          ["trust", "trust", "trust"],
        ],
      ],
    );
  });

  it("finds a chain deeper than the limit, and a chained role that asks for longer sessions than chaining gives", async () => {
    const { reach } = await analyze(chainResources());
    const github = "github repo:example-org/app:ref:refs/heads/main";
    assert.deepStrictEqual(
      reach.findings.map((f) => [f.kind, f.entry, f.role, f.count]),
      [
        ["chain-depth", github, `arn:aws:iam::${PROD}:role/ops-prod`, 1],
        ["chain-session", github, `arn:aws:iam::${PROD}:role/ops-prod`, 1],
      ],
    );
    assert.strictEqual(
      reach.findings[1].message,
      `GitHub repo:example-org/app:ref:refs/heads/main reaches arn:aws:iam::${PROD}:role/ops-prod by role chaining (${github} → arn:aws:iam::${TOOLING}:role/ci → arn:aws:iam::${STAGING}:role/deploy-staging → arn:aws:iam::${PROD}:role/ops-prod): the role allows sessions of 7200 s, a chained session lasts at most 3600 s`,
    );
    // With a limit of 3 the same chain is no finding, but the session still is.
    const relaxed = await analyze(chainResources(), 3);
    assert.deepStrictEqual(
      relaxed.reach.findings.map((f) => f.kind),
      ["chain-session"],
    );
  });

  it("turns passing an administrator role to a service one can run, and rewriting a trust, into escalation edges", async () => {
    const { edges, adminRoles } = await analyze([...chainResources(), ...escalationResources()], 3);
    assert.deepStrictEqual([...adminRoles.keys()], [`arn:aws:iam::${PROD}:role/task-admin`]);
    const escalations = edges.filter((e) => e.via === "escalation");
    assert.deepStrictEqual(
      escalations.map((e) => [e.principal, e.role, e.escalation]),
      [
        [
          `arn:aws:iam::${PROD}:role/builder`,
          `arn:aws:iam::${PROD}:role/task-admin`,
          "passes to ecs-tasks.amazonaws.com (and runs it with ecs:RunTask) the role",
        ],
        [
          `arn:aws:iam::${PROD}:role/trust-editor`,
          `arn:aws:iam::${PROD}:role/task-admin`,
          "rewrites the trust policy of",
        ],
      ],
    );
  });

  it("names every path from outside the intended admin principals to admin-equivalent access", async () => {
    const github = "github repo:example-org/app:ref:refs/heads/main";
    const ecs = "service ecs-tasks.amazonaws.com";
    const { reach } = await analyze([...chainResources(), ...escalationResources()], 3, [ecs]);
    const escalation = reach.findings.filter((f) => f.kind === "escalation");
    assert.deepStrictEqual(
      escalation.map((f) => [f.entry, f.role, f.path]),
      [
        [
          github,
          `arn:aws:iam::${PROD}:role/task-admin`,
          [
            github,
            `arn:aws:iam::${TOOLING}:role/ci`,
            `arn:aws:iam::${PROD}:role/builder`,
            `arn:aws:iam::${PROD}:role/task-admin`,
          ],
        ],
      ],
    );
    assert.match(
      escalation[0].message,
      /is not an intended admin principal but reaches admin-equivalent access in prod \(666666666666\) \(AdministratorAccess is admin-equivalent\)/,
    );
    // The same path from an intended admin principal is no finding.
    const intended = await analyze([...chainResources(), ...escalationResources()], 3, [github, ecs]);
    assert.deepStrictEqual(
      intended.reach.findings.filter((f) => f.kind === "escalation"),
      [],
    );
  });

  it("does not invent escalation: a role that may pass roles only to another service gets no edge", async () => {
    const resources = escalationResources().map((r) =>
      r.type === "aws:iam/rolePolicy:RolePolicy" && r.inputs.role === "builder"
        ? {
            ...r,
            inputs: {
              ...r.inputs,
              policy: String(r.inputs.policy).replace("ecs-tasks.amazonaws.com", "lambda.amazonaws.com"),
            },
          }
        : r,
    );
    const { edges } = await analyze([...chainResources(), ...resources], 3);
    assert.deepStrictEqual(
      edges.filter((e) => e.via === "escalation").map((e) => e.principal),
      [`arn:aws:iam::${PROD}:role/trust-editor`],
    );
  });
});
