package dev.workq.pool.internal;

import java.io.Serializable;
import java.lang.invoke.MethodHandleInfo;
import java.lang.invoke.MethodType;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Finds the static method a serializable method reference ({@code Pi::partial}) names, through
 * the {@link SerializedLambda} its {@code writeReplace} returns. One lookup per lambda class: a
 * call site makes the same class every time, so a map in a loop pays it once.
 */
public final class TaskResolver {

  /** Per lambda class: the Method it names, or the one-line reason it names none. */
  private static final ClassValue<AtomicReference<Object>> CACHE = new ClassValue<>() {
    @Override
    protected AtomicReference<Object> computeValue(Class<?> type) {
      return new AtomicReference<>();
    }
  };

  private TaskResolver() {}

  /**
   * The static method {@code fn} refers to.
   *
   * @throws IllegalArgumentException one line, when {@code fn} is not a non-capturing reference
   *     to a static method (a lambda body counts as a method here: the caller rejects it as not a task)
   */
  public static Method methodOf(Serializable fn) {
    if (fn == null) {
      throw new IllegalArgumentException("task must not be null");
    }
    AtomicReference<Object> slot = CACHE.get(fn.getClass());
    Object found = slot.get();
    if (found == null) {
      try {
        found = resolve(fn);
      } catch (IllegalArgumentException e) {
        found = e.getMessage();
      }
      slot.set(found);
    }
    if (found instanceof Method m) {
      return m;
    }
    throw new IllegalArgumentException((String) found);
  }

  /** {@code Pi::partial} for a method, as errors name it. */
  public static String display(Method m) {
    return m.getDeclaringClass().getSimpleName() + "::" + m.getName();
  }

  private static Method resolve(Serializable fn) {
    SerializedLambda lambda = serializedForm(fn);
    String owner = lambda.getImplClass().replace('/', '.');
    String simpleOwner = owner.substring(owner.lastIndexOf('.') + 1);
    String shown = simpleOwner + "::" + lambda.getImplMethodName();
    if (lambda.getImplMethodName().startsWith("lambda$")) {
      throw new IllegalArgumentException("a lambda in " + simpleOwner + " is not a task: pass a reference to a static method "
          + "marked @Task (such as " + simpleOwner + "::compute), or register one with WorkqPool.local(n).task(name, fn)");
    }
    if (lambda.getCapturedArgCount() > 0) {
      throw new IllegalArgumentException(shown + " captures a value (a bound receiver or a local) and cannot be a task: "
          + "pass a reference to a static method marked @Task");
    }
    if (lambda.getImplMethodKind() != MethodHandleInfo.REF_invokeStatic) {
      throw new IllegalArgumentException(shown + " is not a task: mark the static method @Task, or register it with "
          + "WorkqPool.local(n).task(name, fn)");
    }
    Class<?> type;
    try {
      type = Class.forName(owner, false, fn.getClass().getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException("cannot load " + owner + ", the class of " + shown + ": " + e.getMessage());
    }
    for (Method m : type.getDeclaredMethods()) {
      if (m.getName().equals(lambda.getImplMethodName())
          && MethodType.methodType(m.getReturnType(), m.getParameterTypes()).toMethodDescriptorString()
              .equals(lambda.getImplMethodSignature())) {
        return m;
      }
    }
    throw new IllegalArgumentException("cannot find " + shown + lambda.getImplMethodSignature() + " in " + owner);
  }

  private static SerializedLambda serializedForm(Serializable fn) {
    Method writeReplace;
    try {
      writeReplace = fn.getClass().getDeclaredMethod("writeReplace");
      writeReplace.setAccessible(true);
      Object form = writeReplace.invoke(fn);
      if (form instanceof SerializedLambda lambda) {
        return lambda;
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      // Not a lambda class: reported below as what it is.
    }
    throw new IllegalArgumentException(fn.getClass().getName() + " is not a task: pass a method reference to a static method "
        + "marked @Task, such as Pi::partial");
  }
}
