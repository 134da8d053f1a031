package dev.workq.pool.internal;

import java.util.Set;

/** Finds the program class that asked for a pool: its loader and location are where the program's tasks are. */
public final class Callers {

  private static final StackWalker WALKER = StackWalker.getInstance(Set.of(StackWalker.Option.RETAIN_CLASS_REFERENCE));

  private Callers() {}

  /** The first class on the stack outside the pool and the JDK; the pool's own class when there is none. */
  public static Class<?> caller() {
    return WALKER.walk(frames -> frames.map(StackWalker.StackFrame::getDeclaringClass)
        .filter(c -> !c.getName().startsWith("dev.workq.pool.") && c.getClassLoader() != null
            && !c.getName().startsWith("java.") && !c.getName().startsWith("jdk.") && !c.getName().startsWith("sun."))
        .findFirst()
        .orElse(Callers.class));
  }
}
