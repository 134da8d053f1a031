package dev.workq.worker.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a task defined in plain Java: a static method, or a class implementing
 * {@link TaskHandler}. Workers find marked tasks on their classpath (and in {@code --handlers}
 * jars) with no services file; only marked or explicitly registered tasks can run, so no client
 * can make a worker call an arbitrary method.
 *
 * <pre>{@code
 * @Task("pi.partial")
 * static double partial(Range r) { ... }
 * }</pre>
 *
 * <p>How a method's arguments travel as the task's payload is set out in
 * {@link dev.workq.worker.tasks.TaskMethods}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Task {

  /**
   * The task's name, following the handler-name rules ({@code A-Z a-z 0-9 . _ -}; no {@code :},
   * which marks the chunk handlers). Empty, the default: {@code SimpleClassName.methodName} for a
   * method, the handler's {@link TaskHandler#name()} for a class.
   */
  String value() default "";

  /**
   * Runs a task gets when it throws. 1, the default, sends the exception straight back to the
   * caller, as a function call does; N retries it with the broker's backoff up to N runs in all. A
   * task whose worker dies is redelivered whatever this says, within the broker's max-attempts.
   */
  int attempts() default 1;
}
