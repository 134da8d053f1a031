package dev.workq.server.internal.core;

import dev.workq.protocol.ItemKind;
import dev.workq.protocol.TaskInfo;
import dev.workq.protocol.TaskState;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Where each task is, by id: the live task item (ready, delayed, retrying, running or a dead
 * letter) and, once it finished, its {@link Retained} result; and which task holds each
 * deduplication key of each queue. On the hot path: a put and a completion cost one map insert
 * and one removal. A task put with the id of one it holds is deduplicated ({@link Intake}); the
 * id of a dead letter may be put again, and then names the new task. Tasks taken out by a path that does
 * not report here (a deleted queue, a purge) are noticed when asked for and forgotten then.
 * Core thread only.
 */
final class TaskIndex {

  private final Queues queues;
  private final CoreClock clock;
  private final Map<String, Item> live = new HashMap<>();
  /** The id of the task holding each (queue, key) scope; checked against the task when read. */
  private final Map<String, String> idByScope = new HashMap<>();
  final Retained retained;
  /** Told of every task that finished, with its result item. */
  private Consumer<Item> onFinish = r -> { };

  TaskIndex(CoreConfig config, Queues queues, Persistence persistence, CoreClock clock) {
    this.queues = queues;
    this.clock = clock;
    this.retained = new Retained(config, persistence, this::dropped);
  }

  void onFinish(Consumer<Item> listener) {
    this.onFinish = listener;
  }

  /** The deduplication scope of {@code key} on {@code queue}. */
  static String scope(String queue, String key) {
    return queue + '\n' + key;
  }

  /** {@code task} is now in its queue (durable, or restored). */
  void track(Item task) {
    if (task.kind != ItemKind.TASK) {
      return;
    }
    live.put(task.id, task);
    if (task.key != null) {
      idByScope.put(scope(task.queue, task.key), task.id);
    }
  }

  /** {@code next} (a retry, dead letter or requeued dead letter) carries on task {@code prev}. */
  void moved(Item prev, Item next) {
    if (prev.kind == ItemKind.TASK) {
      live.replace(prev.id, prev, next);
    }
  }

  /** {@code task} is gone without finishing (a dead letter purged). */
  void untrack(Item task) {
    live.remove(task.id, task);
  }

  /** {@code task} finished; {@code result} is its result item, with its {@link Item#finish}. */
  void finished(Item task, Item result) {
    live.remove(task.id, task);
    if (result != null && result.finish != null) {
      retained.add(result);
      onFinish.accept(result);
    }
  }

  /**
   * Puts an item the journal replay found back: a retired result only among the retained ones
   * (or nowhere, once its retention is over), anything else where {@link Queues#restore} puts it,
   * indexed by id.
   */
  void restore(Item item) {
    if (item.kind == ItemKind.RESULT && item.finish != null && !restoreFinished(item)) {
      // Its retention is over: from now on it is a plain result on its done queue.
      item.finish = null;
    }
    if (item.state == Item.State.RETIRED) {
      return;
    }
    queues.restore(item);
    track(item);
  }

  /** A finished task the journal replay found, by its result item; false if its retention is over. */
  private boolean restoreFinished(Item result) {
    if (!retained.restore(result, clock.wallMillis())) {
      return false;
    }
    if (result.finish.key() != null) {
      idByScope.putIfAbsent(scope(result.finish.queue(), result.finish.key()), result.id);
    }
    return true;
  }

  private void dropped(Item result) {
    if (result.finish.key() != null) {
      idByScope.remove(scope(result.finish.queue(), result.finish.key()), result.id);
    }
  }

  /** The live task item {@code id} names, or null (also for one taken out behind the index's back). */
  Item live(String id) {
    Item i = live.get(id);
    if (i == null) {
      return null;
    }
    if (queues.get(i.queue) == null || !(i.inReady || i.state == Item.State.DEAD || i.notBefore > 0 || i.heldBy() != null)) {
      live.remove(id, i);
      return null;
    }
    return i;
  }

  /** The id of the unfinished or retained task holding {@code key} on {@code queue}, or null. */
  String holderOf(String queue, String key) {
    String s = scope(queue, key);
    String id = idByScope.get(s);
    if (id == null) {
      return null;
    }
    Item i = live(id);
    if (i != null && i.state != Item.State.DEAD && key.equals(i.key) && queue.equals(i.queue)) {
      return id;
    }
    Item r = retained.get(id);
    if (r != null && key.equals(r.finish.key()) && queue.equals(r.finish.queue())) {
      return id;
    }
    idByScope.remove(s, id);
    return null;
  }

  /**
   * The scope a task put with its own {@code id} and no key is deduplicated in: one for the
   * whole broker, apart from every (queue, key) scope, which cannot start with a NUL.
   */
  static String idScope(String id) {
    return "\u0000" + id;
  }

  /** {@code id} if it names an unfinished task (not a dead letter) or a retained one, else null. */
  String holderOfId(String id) {
    Item i = live(id);
    if (i != null && i.state != Item.State.DEAD) {
      return id;
    }
    return retained.get(id) != null ? id : null;
  }

  /** {@code id} now holds {@code key} on {@code queue} (its put is durable). */
  void bind(String queue, String key, String id) {
    idByScope.put(scope(queue, key), id);
  }

  /** The state of a live task item. */
  static TaskState stateOf(Item i) {
    if (i.state == Item.State.DEAD) {
      return TaskState.DEAD;
    }
    if (i.heldBy() != null) {
      return TaskState.RUNNING;
    }
    if (i.notBefore > 0 && !i.inReady) {
      return i.attempts > 0 ? TaskState.RETRYING : TaskState.DELAYED;
    }
    return TaskState.READY;
  }

  /** The state of task {@code id}: NOT_FOUND if it is neither live nor retained. */
  TaskState state(String id) {
    Item i = live(id);
    if (i != null) {
      return stateOf(i);
    }
    Item r = retained.get(id);
    return r != null ? r.finish.state() : TaskState.NOT_FOUND;
  }

  /** What TASK_STATUS reports for {@code id}. */
  TaskInfo info(String id) {
    Item i = live(id);
    if (i != null) {
      TaskState state = stateOf(i);
      String error = i.errors.isEmpty() ? null : i.errors.get(i.errors.size() - 1);
      String worker = null;
      Long since = null;
      Long notBefore = null;
      switch (state) {
        case RUNNING -> {
          Delivery d = i.heldBy();
          worker = d.session.hello().host() + ":" + d.session.hello().pid();
          since = clock.wallMillis() - (clock.nanoTime() - d.startedAt) / 1_000_000;
        }
        case DELAYED, RETRYING -> notBefore = i.notBefore;
        case READY -> since = i.readyAt > 0 ? i.readyAt : null;
        case DEAD -> {
          Item r = retained.get(id);
          since = r != null ? r.finish.finishedAt() : null;
        }
        default -> { }
      }
      return new TaskInfo(id, state, i.queue, i.handler, i.priority, i.attempts, i.maxAttempts, worker, since, notBefore, error,
          i.key);
    }
    Item r = retained.get(id);
    if (r == null) {
      return TaskInfo.notFound(id);
    }
    Finish f = r.finish;
    return new TaskInfo(id, f.state(), f.queue(), f.handler(), f.priority(), f.attempts(), f.maxAttempts(), null, f.finishedAt(),
        null, f.error(), f.key());
  }
}
