export * from "./errors";
export * from "./load";
export * from "./schema";
export * from "./core";
export * from "./primitives";
export { ReferenceChecker } from "./refs";
export type { SectionCheckContext, ConfigSection } from "./section";
