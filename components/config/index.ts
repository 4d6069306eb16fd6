export * from "./errors";
export * from "./load";
export * from "./schema";
export * from "./core";
export * from "./primitives";
export { CheckContext } from "./checks";
export type { ConfigPath, ConfigSourceFacts, InventoryAccount } from "./checks";
export type { ConfigSection } from "./section";
