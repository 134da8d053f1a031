package dev.workq.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.bench.workload.WorkloadResult;
import java.util.List;
import org.junit.jupiter.api.Test;

class MedianOfRepeatsTest {

  private static WorkloadResult run(double rate, long lost) {
    return new WorkloadResult("s", "RT", 100, 10, 0, rate, 1, 2, 3, 4, lost, 0, 0, 1, "");
  }

  @Test
  void reportsTheMedianRunAndKeepsEveryRepeatsLosses() {
    WorkloadResult m = Bench.median(List.of(run(300, 0), run(100, 2), run(200, 0)));
    assertEquals(200, m.rate());
    assertEquals(2, m.lost(), "a lost task in any repeat must show in the table");
    assertTrue(m.note().contains("300") && m.note().contains("100"), m.note());
  }
}
