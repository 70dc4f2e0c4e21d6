package dev.agentsim.worker.temporal;

import io.temporal.testing.TestWorkflowEnvironment;
import java.lang.reflect.Field;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.Lock;

/**
 * The in-process Temporal server logs every time-skipping lock and unlock in a linked list that
 * only diagnostics read. Unlocks by name are appended and never removed, and every unlock by handle
 * searches the list from its head: the list grows by two entries per task and the search became the
 * hottest frame of a batch (34% of CPU samples in 500 runs) and a leak that slows long batches
 * down.
 *
 * <p>This log keeps only the locks still held, pairing an unlock by name with the oldest lock of
 * that name, so it stays as long as the locks in flight and a removal costs O(1). It is installed
 * in place of the server's list; what the server's diagnostics print is then the locks held, which
 * is what they are read for.
 */
final class TimeLockLog extends LinkedList<Object> {

  /** Lock events compare by identity (the server's class does not override equals). */
  private final Set<Object> held = new LinkedHashSet<>();

  private final Map<String, Deque<Object>> heldByCaller = new HashMap<>();
  private final Field caller;
  private final Field type;

  private TimeLockLog(Class<?> eventClass) throws NoSuchFieldException {
    caller = eventClass.getDeclaredField("caller");
    type = eventClass.getDeclaredField("lockType");
    caller.setAccessible(true);
    type.setAccessible(true);
  }

  /**
   * Installs the log in the environment's server, carrying over the locks it holds.
   *
   * @throws IllegalStateException when the server's internals are not as expected (another SDK
   *     version): the caller decides whether to go on without the fix
   */
  static void install(TestWorkflowEnvironment environment) {
    try {
      Object service = read(environment, "service");
      Object timer = read(service, "selfAdvancingTimer");
      Lock lock = (Lock) read(timer, "lock");
      Field eventsField = field(timer.getClass(), "lockEvents");
      lock.lock();
      try {
        @SuppressWarnings("unchecked")
        List<Object> events = (List<Object>) eventsField.get(timer);
        if (events instanceof TimeLockLog) {
          return;
        }
        Class<?> eventClass = Class.forName(timer.getClass().getName() + "$LockEvent");
        TimeLockLog log = new TimeLockLog(eventClass);
        events.forEach(log::add);
        eventsField.set(timer, log);
      } finally {
        lock.unlock();
      }
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new IllegalStateException(
          "The in-process Temporal server is not the one this fix was made for", e);
    }
  }

  @Override
  public boolean add(Object event) {
    String name = (String) get(caller, event);
    if ("UNLOCK".equals(String.valueOf(get(type, event)))) {
      Deque<Object> named = heldByCaller.get(name);
      if (named != null) {
        held.remove(named.pollFirst());
        if (named.isEmpty()) {
          heldByCaller.remove(name);
        }
      }
      return true;
    }
    held.add(event);
    heldByCaller.computeIfAbsent(name, n -> new ArrayDeque<>()).addLast(event);
    return true;
  }

  @Override
  public boolean remove(Object event) {
    if (!held.remove(event)) {
      return false;
    }
    String name = (String) get(caller, event);
    Deque<Object> named = heldByCaller.get(name);
    named.remove(event);
    if (named.isEmpty()) {
      heldByCaller.remove(name);
    }
    return true;
  }

  @Override
  public int size() {
    return held.size();
  }

  @Override
  public Iterator<Object> iterator() {
    return List.copyOf(held).iterator();
  }

  private static Object get(Field field, Object target) {
    try {
      return field.get(target);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  static Object read(Object target, String name) throws ReflectiveOperationException {
    return field(target.getClass(), name).get(target);
  }

  private static Field field(Class<?> type, String name) throws NoSuchFieldException {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      try {
        Field field = c.getDeclaredField(name);
        field.setAccessible(true);
        return field;
      } catch (NoSuchFieldException e) {
        // look further up
      }
    }
    throw new NoSuchFieldException(name);
  }
}
