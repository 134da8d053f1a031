package dev.workq.cli.commands;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.client.BrokerStats;
import dev.workq.client.WorkerStats;
import dev.workq.protocol.Printable;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code workq stats}' table shows what workers say about themselves without obeying it. */
class StatsTableTest {

  @Test
  void workerNamesHostsAndHandlersAreEscaped() {
    WorkerStats w = new WorkerStats("evil\u001b[2J\u2028name", "host\u202e", 42, List.of("h\u001b[31m", "ok"), 0, "s1");
    String table = StatsCommand.table(new BrokerStats(List.of(), List.of(w), 0, 0, 0));
    for (char c : table.toCharArray()) {
      assertFalse(c != '\n' && Printable.unsafe(c), "raw U+" + Integer.toHexString(c) + " in:\n" + table);
    }
    assertTrue(table.contains("evil\\u001b[2J\\u2028name"), table);
    assertTrue(table.contains("host\\u202e"), table);
    assertTrue(table.contains("h\\u001b[31m,ok"), table);
  }
}
