import { Region } from "@pulumi/aws/types/enums";
import { z } from "zod";
import { closest } from "./messages";

/** Shapes of AWS identifiers, as AWS documents them (see FACTS.md). */
export const ACCOUNT_ID_PATTERN = /^\d{12}$/;
export const ORGANIZATION_ID_PATTERN = /^o-[a-z0-9]{10,32}$/;
export const OU_ID_PATTERN = /^ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}$/;
export const ROOT_ID_PATTERN = /^r-[a-z0-9]{4,32}$/;
export const ROLE_NAME_PATTERN = /^[\w+=,.@-]{1,64}$/;
export const SESSION_NAME_PATTERN = /^[\w+=,.@-]{2,64}$/;
export const NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,39}$/;

const show = (input: unknown): string => JSON.stringify(input) ?? String(input);

/**
 * A 12-digit account ID. YAML reads an unquoted ID as a number, which drops leading zeros, so a
 * number is accepted only when it still has 12 digits, and the message says to quote it.
 */
export const accountId = z.preprocess(
  (value) => (typeof value === "number" && Number.isInteger(value) ? String(value) : value),
  z
    .string({
      error: (issue) => `${show(issue.input)} is not an account ID; write the 12 digits as a quoted string`,
    })
    .regex(ACCOUNT_ID_PATTERN, {
      error: (issue) =>
        `${show(issue.input)} is not a 12-digit account ID; write the account's 12 digits as a quoted string (quotes keep leading zeros)`,
    }),
);

/** A short lower-case name used to refer to accounts, OUs, teams and vendors everywhere else in config. */
export const name = (what: string) =>
  z.string({ error: `expected the ${what}'s name as a string` }).regex(NAME_PATTERN, {
    error: (issue) =>
      `${show(issue.input)} is not a valid ${what} name; use 1 to 40 lower-case letters, digits and hyphens, starting with a letter or digit`,
  });

/** An IAM role name: at most 64 characters of letters, digits and `+=,.@_-`. */
export const roleName = z
  .string({ error: "expected an IAM role name as a string" })
  .regex(ROLE_NAME_PATTERN, {
    error: (issue) =>
      `${show(issue.input)} is not a valid IAM role name; use 1 to 64 letters, digits and the characters + = , . @ _ -`,
  });

export const organizationId = z
  .string({ error: "expected the organization ID as a string" })
  .regex(ORGANIZATION_ID_PATTERN, {
    error: (issue) =>
      `${show(issue.input)} is not an organization ID; it looks like o-abcd123456 (see the Organizations console, Settings)`,
  });

export const ouId = z.string({ error: "expected the OU ID as a string" }).regex(OU_ID_PATTERN, {
  error: (issue) => `${show(issue.input)} is not an organizational unit ID; it looks like ou-ab12-cdefgh34`,
});

export const rootId = z.string({ error: "expected the root ID as a string" }).regex(ROOT_ID_PATTERN, {
  error: (issue) => `${show(issue.input)} is not an organization root ID; it looks like r-ab12`,
});

/**
 * Every AWS region, from `@pulumi/aws`'s `Region` enum (generated from the AWS provider with each
 * release), so a new region arrives with a dependency update and a typo never passes.
 */
export const AWS_REGIONS: readonly string[] = Object.values(Region);

/** An AWS region by its code. */
export const region = z
  .string({ error: "expected an AWS region such as us-east-1" })
  .refine((value) => AWS_REGIONS.includes(value), {
    error: (issue) => {
      const input = String(issue.input);
      const suggestion = closest(input, AWS_REGIONS);
      return `${show(issue.input)} is not an AWS region; ${suggestion === undefined ? "" : `did you mean ${suggestion}? `}use a region code such as us-east-1 or eu-west-1 (the regions @pulumi/aws knows)`;
    },
  })
  .describe("an AWS region code (us-east-1, eu-west-1, ...): one of the regions @pulumi/aws knows");

/** Tags as a flat string map. */
export const tags = z.record(z.string(), z.string()).optional();
