package dev.workq.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.bench.report.Repeats;
import dev.workq.bench.workload.WorkloadResult;
import java.util.List;
import org.junit.jupiter.api.Test;

class MedianOfRepeatsTest {

  private static WorkloadResult run(String system, double rate, double p99, long lost) {
    return new WorkloadResult(system, "RT", 100, 10, 0, rate, 1, p99, 3, 4, lost, 0, 0, 1, "");
  }

  @Test
  void reportsEachFiguresMedianWithTheRangeAndKeepsEveryRepeatsLosses() {
    WorkloadResult m = Repeats.median(List.of(run("s", 300, 5000, 0), run("s", 100, 9000, 2), run("s", 200, 1000, 0)));
    assertEquals(200, m.rate());
    assertEquals(5000, m.p99(), "p99 is the median of the runs' p99s, not the p99 of the median-rate run");
    assertEquals(3, m.spread().runs());
    assertEquals(100, m.spread().rateMin());
    assertEquals(300, m.spread().rateMax());
    assertEquals(1000, m.spread().p99Min());
    assertEquals(9000, m.spread().p99Max());
    assertEquals(2, m.lost(), "a lost task in any repeat must show in the table");
    assertTrue(m.note().contains("300") && m.note().contains("100"), m.note());
  }

  @Test
  void interleavedRoundsFoldIntoOneRowPerSystemInFirstRunOrder() {
    List<WorkloadResult> rows = Repeats.summarise(List.of(run("a", 1, 1, 0), run("b", 2, 2, 0), run("a", 3, 3, 0), run("b", 4, 4, 0)));
    assertEquals(2, rows.size());
    assertEquals("a", rows.get(0).system());
    assertEquals(2, rows.get(0).rate(), "the median of two runs is their mean");
    assertEquals(2, rows.get(1).spread().runs());
  }
}
