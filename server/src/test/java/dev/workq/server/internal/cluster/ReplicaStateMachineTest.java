package dev.workq.server.internal.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.workq.server.BrokerOptions;
import dev.workq.server.internal.core.CoreConfig;
import dev.workq.server.internal.core.Replica;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.stream.Stream;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.StateMachineLogEntryProto;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys.Log.CorruptionPolicy;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.server.storage.RaftStorageDirectory;
import org.apache.ratis.server.storage.RaftStorageMetadataFile;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Raft snapshots are written off the state-machine thread: Ratis applies no entry while {@link
 * ReplicaStateMachine#takeSnapshot} runs, and a leader confirms a put only once applied, so a
 * snapshot written there stalled every confirmation for as long as the write took. The writer
 * here is a queue the test runs by hand, so "still being written" is a state the test holds.
 */
class ReplicaStateMachineTest {

  @TempDir Path dir;

  private final Queue<Runnable> writes = new ArrayDeque<>();
  private final Executor writer = writes::add;
  private ReplicaStateMachine machine;
  private long index;

  @BeforeEach
  void start() throws IOException {
    Files.createDirectories(dir.resolve("sm"));
    Replica replica = new Replica(CoreConfig.of(BrokerOptions.builder().build()), System::currentTimeMillis);
    machine = new ReplicaStateMachine(replica, 0, new ReplicaStateMachine.Events() {
      @Override
      public void leaderReady() {}

      @Override
      public void leaderChanged(RaftPeerId leaderId) {}
    }, writer);
    machine.initialize(server(), RaftGroupId.randomId(), storage(dir));
  }

  /** Applies one entry (a leader announcement: the replica is not what these tests are about). */
  private void apply() {
    index++;
    LogEntryProto entry = LogEntryProto.newBuilder().setTerm(1).setIndex(index)
        .setStateMachineLogEntry(StateMachineLogEntryProto.newBuilder()
            .setLogData(ByteString.copyFrom(RaftEntries.leader("n1", "127.0.0.1:7000"))))
        .build();
    TransactionContext trx = TransactionContext.newBuilder().setServerRole(RaftPeerRole.FOLLOWER)
        .setStateMachine(machine).setLogEntry(entry).build();
    var applied = machine.applyTransaction(trx);
    assertTrue(applied.isDone() && !applied.isCompletedExceptionally(), "entry " + index + " applied at once: " + applied);
    assertEquals(index, machine.getLastAppliedTermIndex().getIndex());
  }

  private Stream<String> snapshotFiles() throws IOException {
    return Files.list(dir.resolve("sm")).map(p -> p.getFileName().toString()).filter(n -> n.matches("snapshot\\.\\d+_\\d+"));
  }

  @Test
  void entriesApplyWhileASnapshotIsWrittenAndRatisLearnsItsIndexOnceWritten() throws IOException {
    apply();
    assertEquals(RaftLog.INVALID_LOG_INDEX, machine.takeSnapshot(), "the snapshot is not written on Ratis's thread");
    assertEquals(1, writes.size(), "its write is handed to the writer");
    assertEquals(0, snapshotFiles().count());

    apply();
    apply();
    assertEquals(RaftLog.INVALID_LOG_INDEX, machine.takeSnapshot());
    assertEquals(1, writes.size(), "one write at a time");

    writes.poll().run();
    assertEquals(java.util.List.of("snapshot.1_1"), snapshotFiles().toList(), "written at the index it was captured at");
    assertEquals(1, machine.getLatestSnapshot().getIndex());
    assertEquals(1, machine.takeSnapshot(), "Ratis is given the written snapshot's index at its next call");
    assertEquals(RaftLog.INVALID_LOG_INDEX, machine.takeSnapshot(), "and only once");
    assertTrue(writes.isEmpty(), "no records applied since the capture: the next is not due");
  }

  @Test
  void aFailedWriteLeavesNothingForRatisAndALaterSnapshotIsWritten() throws IOException {
    apply();
    machine.takeSnapshot();
    File sm = dir.resolve("sm").toFile();
    Path moved = dir.resolve("sm-away");
    Files.move(sm.toPath(), moved);
    writes.poll().run();
    assertEquals(RaftLog.INVALID_LOG_INDEX, machine.takeSnapshot(), "nothing written: no index for Ratis to purge up to");
    assertTrue(writes.isEmpty(), "nothing applied since: the same state is not written again");
    Files.move(moved, sm.toPath());

    apply();
    machine.takeSnapshot();
    assertEquals(1, writes.size(), "due again once more is applied");
    writes.poll().run();
    assertEquals(2, machine.takeSnapshot());
    assertFalse(Files.exists(dir.resolve("sm").resolve("snapshot.1_1")));
  }

  /** A server that knows its id, all the state machine asks of it here. */
  private static RaftServer server() {
    return (RaftServer) Proxy.newProxyInstance(RaftServer.class.getClassLoader(), new Class<?>[] {RaftServer.class},
        (proxy, method, args) -> switch (method.getName()) {
          case "getId" -> RaftPeerId.valueOf("n1");
          case "toString" -> "server n1";
          default -> throw new UnsupportedOperationException(method.getName());
        });
  }

  private static RaftStorage storage(Path root) {
    RaftStorageDirectory directory = new RaftStorageDirectory() {
      @Override
      public File getRoot() {
        return root.toFile();
      }

      @Override
      public boolean isHealthy() {
        return true;
      }
    };
    return new RaftStorage() {
      @Override
      public void initialize() {}

      @Override
      public RaftStorageDirectory getStorageDir() {
        return directory;
      }

      @Override
      public RaftStorageMetadataFile getMetadataFile() {
        throw new UnsupportedOperationException("not used by the state machine");
      }

      @Override
      public CorruptionPolicy getLogCorruptionPolicy() {
        return CorruptionPolicy.EXCEPTION;
      }

      @Override
      public void close() {}
    };
  }
}
