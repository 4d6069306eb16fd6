import * as assert from "assert";
import { exampleValue, ofType, ProgramRun, runExample, single } from "../harness";
import {
  attachedPolicies,
  ID,
  rolePolicies,
  issuesOf,
  ORG_ID,
  roleIn,
  rolesNamed,
  trustOf,
  unboundedRoles,
} from "./helpers";

const OIDC = "token.actions.githubusercontent.com";
const OIDC_ARN = `arn:aws:iam::${ID.tooling}:oidc-provider/${OIDC}`;
const ci = (pipeline: string) => `arn:aws:iam::${ID.tooling}:role/ci-${pipeline}`;
const deployment = (env: keyof typeof ID) => `arn:aws:iam::${ID[env]}:role/deployment-role-${env}`;

type Cicd = Record<string, unknown> & {
  pipelines: Record<string, unknown>[];
  deploymentRoles: Record<string, unknown>;
};
const example = () => exampleValue<Cicd>("management", "cicd");

/** The scoped-ecs preset for one account: the guide's example, PassRole split off with its condition. */
const scopedEcs = (accountId: string) => ({
  Version: "2012-10-17",
  Statement: [
    { Sid: "DescribeNetwork", Effect: "Allow", Action: "ec2:Describe*", Resource: "*" },
    {
      Sid: "DeployEcsServices",
      Effect: "Allow",
      Action: ["ecs:DescribeServices", "ecs:UpdateService"],
      Resource: `arn:aws:ecs:*:${accountId}:service/*`,
    },
    {
      Sid: "PassTaskRolesToEcs",
      Effect: "Allow",
      Action: "iam:PassRole",
      Resource: `arn:aws:iam::${accountId}:role/*`,
      Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
    },
  ],
});

describe("CI/CD roles in the example organization", () => {
  let run: ProgramRun;
  let admin: ProgramRun;
  before(async () => {
    run = await runExample("management");
    admin = await runExample("management", {
      cicd: {
        ...example(),
        github: { oidcProvider: "create", thumbprints: ["6938fd4d98bab03faadb97b34396831e3780aea1"] },
        deploymentRoles: {
          ...example().deploymentRoles,
          statements: [{ Sid: "ReadParameters", Action: "ssm:GetParameter", Resource: "*" }],
          environments: {
            dev: {
              presets: [],
              statements: [{ Sid: "DeployLambda", Action: ["lambda:UpdateFunctionCode"], Resource: "*" }],
              administratorAccess: {
                justification:
                  "Platform team bootstraps dev accounts with CDK until 2027-01; ticket PLAT-142",
              },
            },
          },
        },
      },
      pipeline: {
        ...exampleValue<Record<string, unknown>>("management", "pipeline"),
        oidcProvider: "existing",
      },
    });
  });

  it("creates one CI role per pipeline in the tooling account, trusting GitHub OIDC with aud and the named subjects only", () => {
    assert.deepStrictEqual(
      rolesNamed(run, "ci-staging").map((r) => [r.name, r.account]),
      [["cicd-ci-staging-role-role", ID.tooling]],
    );
    assert.deepStrictEqual(trustOf(roleIn(run, "ci-staging", ID.tooling)), {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "TrustGithubWorkflows",
          Effect: "Allow",
          Principal: { Federated: OIDC_ARN },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: {
            StringEquals: {
              [`${OIDC}:aud`]: "sts.amazonaws.com",
              [`${OIDC}:sub`]: ["repo:example-org/app:ref:refs/heads/main"],
            },
          },
        },
      ],
    });
    const prod = roleIn(run, "ci-prod", ID.tooling);
    assert.deepStrictEqual(trustOf(prod), {
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "TrustGithubWorkflows",
          Effect: "Allow",
          Principal: { Federated: OIDC_ARN },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: {
            StringEquals: {
              [`${OIDC}:aud`]: "sts.amazonaws.com",
              // Both subject forms: the classic one, and the immutable ORG@id/REPO@id one.
              [`${OIDC}:sub`]: [
                "repo:example-org/app:environment:prod",
                "repo:example-org@1234567/payments@7654321:environment:prod",
              ],
            },
          },
        },
      ],
    });
    assert.strictEqual(prod.inputs.maxSessionDuration, 3600);
    assert.deepStrictEqual(prod.inputs.tags, { pipeline: "prod" });
    assert.deepStrictEqual(attachedPolicies(run, prod), []);
  });

  it("lets each CI role assume only its own environments' deployment roles: staging's CI never reaches prod", () => {
    const policyOf = (pipeline: string) => rolePolicies(run, roleIn(run, `ci-${pipeline}`, ID.tooling));
    assert.deepStrictEqual(policyOf("staging"), {
      AssumeDeploymentRoles: {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "AssumeDeploymentRoles",
            Effect: "Allow",
            Action: "sts:AssumeRole",
            Resource: [deployment("staging"), deployment("dev")],
          },
        ],
      },
    });
    assert.deepStrictEqual(policyOf("prod"), {
      AssumeDeploymentRoles: {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "AssumeDeploymentRoles",
            Effect: "Allow",
            Action: "sts:AssumeRole",
            Resource: [deployment("prod")],
          },
        ],
      },
    });
  });

  it("creates deployment-role-<env> in each workload account, trusting only the CI roles serving that environment, with aws:PrincipalOrgID", () => {
    const trust = (ciRole: string) => ({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "TrustEnvironmentCiRoles",
          Effect: "Allow",
          Principal: { AWS: ciRole },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "aws:PrincipalOrgID": ORG_ID } },
        },
      ],
    });
    for (const env of ["prod", "staging", "dev"] as const) {
      const role = roleIn(run, `deployment-role-${env}`, ID[env]);
      assert.strictEqual(role.name, `cicd-deployment-${env}-${env}-role-role`);
      assert.deepStrictEqual(trustOf(role), trust(env === "prod" ? ci("prod") : ci("staging")));
      assert.strictEqual(role.inputs.maxSessionDuration, 3600);
      assert.deepStrictEqual(attachedPolicies(run, role), []);
      assert.deepStrictEqual(rolePolicies(run, role), { Deployment: scopedEcs(ID[env]) });
    }
    // The negative case the guide names: prod's deployment role does not trust staging's CI role.
    assert.ok(!JSON.stringify(trustOf(roleIn(run, "deployment-role-prod", ID.prod))).includes(ci("staging")));
    // No deployment role where no pipeline deploys (sandbox), and none outside the environment's accounts.
    assert.deepStrictEqual(
      ofType(run, "aws:iam/role:Role")
        .filter((r) => String(r.inputs.name).startsWith("deployment-role-"))
        .map((r) => `${String(r.inputs.name)}@${String(r.account)}`)
        .sort(),
      [
        `deployment-role-dev@${ID.dev}`,
        `deployment-role-prod@${ID.prod}`,
        `deployment-role-staging@${ID.staging}`,
      ],
    );
  });

  it("orders each deployment role after the CI roles it trusts (IAM refuses a trust naming a missing role)", () => {
    const component = single(run, "org-access:cicd:DeploymentRole", "cicd-deployment-prod-prod");
    // The component waits for the CI roles' IAM resources (Pulumi expands a component dependency into its children).
    const ciRoleUrns = ofType(run, "aws:iam/role:Role")
      .filter((r) => String(r.inputs.name).startsWith("ci-"))
      .map((r) => r.urn);
    assert.strictEqual(ciRoleUrns.length, 2);
    for (const urn of ciRoleUrns) assert.ok(component.dependencies.includes(urn), urn);
  });

  it("sets the account's permissions boundary on every CI/CD role in an account that has one", () => {
    const names = [
      "ci-staging",
      "ci-prod",
      "deployment-role-prod",
      "deployment-role-staging",
      "deployment-role-dev",
    ];
    assert.deepStrictEqual(unboundedRoles(run, names), []);
    assert.strictEqual(
      roleIn(run, "deployment-role-prod", ID.prod).inputs.permissionsBoundary,
      `arn:aws:iam::${ID.prod}:policy/org-access-boundary`,
    );
  });

  it("references the tooling account's existing GitHub provider, or creates it with audience sts.amazonaws.com", () => {
    assert.deepStrictEqual(
      ofType(run, "aws:iam/openIdConnectProvider:OpenIdConnectProvider").map((p) => p.name),
      ["pipeline-identity-github-oidc"],
    );
    const created = single(
      admin,
      "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
      "cicd-github-oidc-provider",
    );
    assert.strictEqual(created.account, ID.tooling);
    assert.deepStrictEqual(created.inputs, {
      url: `https://${OIDC}`,
      clientIdLists: ["sts.amazonaws.com"],
      thumbprintLists: ["6938fd4d98bab03faadb97b34396831e3780aea1"],
    });
    const output = (admin.outputs as { capabilities: { cicd: { oidcProviderArn: string } } }).capabilities
      .cicd;
    assert.strictEqual(output.oidcProviderArn, OIDC_ARN);
  });

  it("grants AdministratorAccess only to the environment whose config gives a written justification, and keeps it on the role", () => {
    const dev = roleIn(admin, "deployment-role-dev", ID.dev);
    assert.deepStrictEqual(attachedPolicies(admin, dev), ["arn:aws:iam::aws:policy/AdministratorAccess"]);
    assert.match(String(dev.inputs.description), /Justification: Platform team bootstraps dev accounts/);
    assert.deepStrictEqual(rolePolicies(admin, dev), {
      Deployment: {
        Version: "2012-10-17",
        Statement: [
          { Sid: "DeployLambda", Effect: "Allow", Action: ["lambda:UpdateFunctionCode"], Resource: "*" },
        ],
      },
    });
    const prod = roleIn(admin, "deployment-role-prod", ID.prod);
    assert.deepStrictEqual(attachedPolicies(admin, prod), []);
    const statements = (rolePolicies(admin, prod).Deployment as { Statement: unknown[] }).Statement;
    assert.deepStrictEqual(statements.at(-1), {
      Sid: "ReadParameters",
      Effect: "Allow",
      Action: "ssm:GetParameter",
      Resource: "*",
    });
  });

  it("lists every CI and deployment role in the inventory and the outputs", () => {
    const inventory = run.outputs.inventory as Record<string, { roles: Record<string, string> }>;
    assert.strictEqual(inventory.tooling.roles["ci-prod"], ci("prod"));
    assert.strictEqual(inventory.tooling.roles["ci-staging"], ci("staging"));
    for (const env of ["prod", "staging", "dev"] as const) {
      assert.strictEqual(inventory[env].roles[`deployment-role-${env}`], deployment(env));
    }
    const output = (run.outputs as { capabilities: { cicd: unknown } }).capabilities.cicd;
    assert.deepStrictEqual(output, {
      toolingAccount: "tooling",
      oidcProviderArn: OIDC_ARN,
      ciRoles: {
        staging: {
          arn: ci("staging"),
          subjects: ["repo:example-org/app:ref:refs/heads/main"],
          deploymentRoleArns: [deployment("dev"), deployment("staging")],
        },
        prod: {
          arn: ci("prod"),
          subjects: [
            "repo:example-org/app:environment:prod",
            "repo:example-org@1234567/payments@7654321:environment:prod",
          ],
          deploymentRoleArns: [deployment("prod")],
        },
      },
      deploymentRoles: {
        dev: { dev: deployment("dev") },
        staging: { staging: deployment("staging") },
        prod: { prod: deployment("prod") },
      },
    });
  });
});

describe("CI/CD config errors", () => {
  const withPipeline = (pipeline: Record<string, unknown>) => ({
    cicd: { ...example(), pipelines: [{ ...example().pipelines[0], ...pipeline }] },
  });

  it("refuses a subject scoped to a whole organization or to every ref, naming the config path", () => {
    assert.deepStrictEqual(
      issuesOf(
        withPipeline({
          subjects: [
            { repository: "example-org/*", branch: "main" },
            { repository: "*", environment: "prod" },
            { repository: "example-org/app" },
            { repository: "example-org/app", branch: "*" },
            { repository: "example-org/app", branch: "main", environment: "prod" },
          ],
        }),
      ),
      [
        'org-access:cicd.pipelines[0].subjects[0].repository: "example-org/*" would let every repository of the organization assume the CI role; name one repository as ORG/REPO (or ORG@<owner id>/REPO@<repo id>)',
        'org-access:cicd.pipelines[0].subjects[1].repository: "*" would let every repository of the organization assume the CI role; name one repository as ORG/REPO (or ORG@<owner id>/REPO@<repo id>)',
        "org-access:cicd.pipelines[0].subjects[2]: a subject without a branch, tag or environment would trust every workflow run of the repository; set exactly one of branch, environment or tag",
        "org-access:cicd.pipelines[0].subjects[3].branch: use the branch's exact name, without wildcards or spaces",
        "org-access:cicd.pipelines[0].subjects[4]: set exactly one of branch, environment or tag (add another subject for another ref)",
      ],
    );
  });

  it("refuses AdministratorAccess and * actions without a justification, and a short justification", () => {
    assert.deepStrictEqual(
      issuesOf({
        cicd: {
          ...example(),
          deploymentRoles: {
            managedPolicies: ["AdministratorAccess"],
            statements: [{ Action: "*", Resource: "*" }],
            environments: {
              prod: { administratorAccess: { justification: "needed" } },
              qa: { presets: ["scoped-ecs"] },
            },
          },
        },
      }),
      [
        "org-access:cicd.deploymentRoles.environments.prod.administratorAccess.justification: write at least 40 characters: who decided, why less access does not work, and until when",
        'org-access:cicd.deploymentRoles.environments.qa: no pipeline deploys to environment "qa", so it has no deployment role; add it to a pipeline\'s environments or remove this entry',
        "org-access:cicd.deploymentRoles.managedPolicies[0]: a deployment role never gets AdministratorAccess as a plain policy; use the scoped-ecs preset or statements, or for one environment set deploymentRoles.environments.<env>.administratorAccess.justification",
        'org-access:cicd.deploymentRoles.statements[0].Action: allowing "*" is administrator access; list the deployment\'s actions, or for one environment set deploymentRoles.environments.<env>.administratorAccess.justification',
      ],
    );
  });

  it("names unknown environments and accounts, keeps CI roles out of the management account, and one OIDC provider per account", () => {
    assert.deepStrictEqual(
      issuesOf({
        cicd: {
          ...example(),
          toolingAccount: "management",
          github: { oidcProvider: "create" },
          pipelines: [...example().pipelines, { ...example().pipelines[0], environments: ["qa"] }],
        },
        pipeline: {
          ...exampleValue<Record<string, unknown>>("management", "pipeline"),
          toolingAccount: "management",
        },
      }).filter((i) => i.startsWith("org-access:cicd")),
      [
        "org-access:cicd.toolingAccount: CI roles must live outside the management account, so a compromised workflow never starts there; name the tooling account",
        "org-access:cicd.github.oidcProvider: org-access:pipeline.oidcProvider already creates the GitHub OIDC provider in this tooling account, and an account holds one per URL; set this to existing (or set org-access:pipeline.oidcProvider: existing)",
        "org-access:cicd.pipelines[2].name: duplicate pipeline, already org-access:cicd.pipelines[0]",
        'org-access:cicd.pipelines[2].environments[0]: no account has environment "qa"; set `environment` on an account in org-access:accounts (known: dev, prod, sandbox, staging)',
      ],
    );
  });

  it("refuses a deployment role left without any permission", () => {
    assert.deepStrictEqual(
      issuesOf({
        cicd: { ...example(), deploymentRoles: { presets: [], environments: { prod: { statements: [] } } } },
      }),
      [
        'org-access:cicd.deploymentRoles: the deployment role of environment "dev" would have no permission; list presets (scoped-ecs), statements or managedPolicies',
        'org-access:cicd.deploymentRoles: the deployment role of environment "staging" would have no permission; list presets (scoped-ecs), statements or managedPolicies',
        'org-access:cicd.deploymentRoles.environments.prod: the deployment role of environment "prod" would have no permission; list presets (scoped-ecs), statements or managedPolicies',
      ],
    );
  });

  it("belongs to the management stack", () => {
    assert.deepStrictEqual(issuesOf({ cicd: example() }, "security"), [
      "org-access:cicd: CI/CD roles (org-access:cicd) is deployed by the management stack, and this is a security stack; move this key to Pulumi.management.yaml",
    ]);
  });
});
