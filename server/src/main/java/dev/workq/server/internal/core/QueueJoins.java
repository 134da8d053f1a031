package dev.workq.server.internal.core;

import dev.workq.protocol.QueueJoin;
import dev.workq.protocol.QueueJoinOk;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The queue joins (QUEUE_JOIN) waiting for their queue to have no unfinished task: held on their
 * queue ({@link QueueState#joiners}) and by session, each counted against the waits budget
 * ({@link Waits}), and ended by its timeout, by its queue draining or being deleted, or by its
 * session closing. Core thread only.
 */
final class QueueJoins {

  private final Waits waits;
  private final CoreClock clock;
  private final Map<Session, Set<JoinWaiter>> bySession = new HashMap<>();

  QueueJoins(Waits waits, CoreClock clock) {
    this.waits = waits;
    this.clock = clock;
  }

  /**
   * Holds {@code j} on {@code q}, which has unfinished tasks, until they are done or its timeout
   * passes. Returns false if the waits budget refused it (the refusal is sent).
   */
  boolean start(Session s, QueueState q, QueueJoin j) {
    if (!waits.tryAcquire(s)) {
      s.send(waits.refusal(j.corr()));
      return false;
    }
    JoinWaiter w = new JoinWaiter(s, q, j.corr());
    q.joiners.addLast(w);
    bySession.computeIfAbsent(s, k -> new LinkedHashSet<>()).add(w);
    w.timeout = clock.schedule(() -> {
      if (!w.done) {
        end(w);
        s.send(new QueueJoinOk(j.corr(), q.name, false, q.unfinished()));
      }
    }, j.timeoutMs());
    return true;
  }

  /** {@code q} has no unfinished task (it drained, or it is deleted): every join of it is answered. */
  void answerAll(QueueState q) {
    while (!q.joiners.isEmpty()) {
      JoinWaiter w = q.joiners.peekFirst();
      end(w);
      w.session.send(new QueueJoinOk(w.corr, q.name, true, 0));
    }
  }

  /** {@code s} closed: its joins end unanswered. */
  void sessionClosed(Session s) {
    Set<JoinWaiter> mine = bySession.get(s);
    if (mine != null) {
      for (JoinWaiter w : new ArrayList<>(mine)) {
        end(w);
      }
    }
  }

  /** Takes join {@code w} out of its queue, its session and the wait count. */
  private void end(JoinWaiter w) {
    w.done = true;
    w.timeout.cancel();
    w.queue.joiners.remove(w);
    Set<JoinWaiter> mine = bySession.get(w.session);
    if (mine != null && mine.remove(w) && mine.isEmpty()) {
      bySession.remove(w.session);
    }
    waits.release(w.session);
  }
}
