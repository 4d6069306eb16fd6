// Mocha's spec output, plus one closing line in the plain "N passed, N failed" form that CI reads.
"use strict";
const Mocha = require("mocha");

class SpecWithSummary extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      const { passes, failures, pending } = runner.stats;
      // Printed after the spec epilogue so it is the last line of the run.
      process.nextTick(() => console.log(`tests: ${passes} passed, ${failures} failed, ${pending} skipped`));
    });
  }
}

module.exports = SpecWithSummary;
