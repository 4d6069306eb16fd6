export * from "./documents";
export * from "./trust";
export * from "./role";
