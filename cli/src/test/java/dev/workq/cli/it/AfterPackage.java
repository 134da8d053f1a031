package dev.workq.cli.it;

import org.junit.jupiter.api.Assumptions;

/**
 * Tests that need what {@code package} builds (cli/target/workq.jar, the shade plugin in the local
 * repository) run in cli/pom.xml's {@code after-package} surefire execution, in the
 * integration-test phase. {@code -Dtest=...} overrides both executions' includes, so such a test
 * also skips itself in the {@code test} phase, which sets {@value #PROPERTY} to {@code test}.
 */
final class AfterPackage {

  static final String PROPERTY = "workq.test.phase";

  private AfterPackage() {
  }

  static void assume() {
    Assumptions.assumeFalse("test".equals(System.getProperty(PROPERTY)),
        "runs after package, in cli/pom.xml's after-package execution (mvn verify)");
  }
}
