package dev.ledge.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Splits kernel work across a shared pool of daemon worker threads. The calling thread always works
 * too and claims any part no idle worker took, so a busy pool (several sessions at once) only means
 * less parallelism, never waiting or deadlock. Results must not depend on which thread runs a part:
 * kernels split along independent output blocks, never along a reduction.
 *
 * <p>A parallel call allocates one small job object (about 100 bytes); single-threaded calls
 * allocate nothing.
 */
public final class Parallel {
  /** A unit of work: computes part {@code part} of {@code parts}. */
  @FunctionalInterface
  public interface PartTask {
    void run(int part);
  }

  private static final int SPIN_NANOS = 50_000;
  private static final Object LOCK = new Object();
  private static volatile Worker[] workers = new Worker[0];

  private Parallel() {}

  /**
   * Runs {@code task.run(p)} for every {@code p} in {@code [0, parts)} on up to {@code threads}
   * threads (the caller included) and returns when all parts are done. Exceptions from parts are
   * rethrown in the caller.
   */
  public static void forEach(int threads, int parts, PartTask task) {
    if (threads <= 1 || parts <= 1) {
      for (int p = 0; p < parts; p++) {
        task.run(p);
      }
      return;
    }
    Job job = new Job(task, parts, Thread.currentThread());
    int helpers = Math.min(threads, parts) - 1;
    for (Worker w : ensureWorkers(helpers)) {
      if (helpers == 0) {
        break;
      }
      if (w.offer(job)) {
        helpers--;
      }
    }
    job.work();
    job.awaitDone();
    if (job.error != null) {
      if (job.error instanceof RuntimeException re) {
        throw re;
      }
      if (job.error instanceof Error er) {
        throw er;
      }
      throw new IllegalStateException(job.error);
    }
  }

  private static Worker[] ensureWorkers(int n) {
    Worker[] ws = workers;
    if (ws.length >= n) {
      return ws;
    }
    synchronized (LOCK) {
      ws = workers;
      if (ws.length < n) {
        Worker[] grown = java.util.Arrays.copyOf(ws, n);
        for (int i = ws.length; i < n; i++) {
          grown[i] = new Worker(i);
          grown[i].thread.start();
        }
        workers = grown;
        ws = grown;
      }
    }
    return ws;
  }

  /** One parallel call: parts are claimed with an atomic counter. */
  private static final class Job {
    final PartTask task;
    final int parts;
    final Thread caller;
    final AtomicInteger next = new AtomicInteger();
    final AtomicInteger done = new AtomicInteger();
    volatile Throwable error;

    Job(PartTask task, int parts, Thread caller) {
      this.task = task;
      this.parts = parts;
      this.caller = caller;
    }

    void work() {
      int p;
      while ((p = next.getAndIncrement()) < parts) {
        try {
          task.run(p);
        } catch (Throwable t) {
          error = t;
        }
        if (done.incrementAndGet() == parts) {
          LockSupport.unpark(caller);
        }
      }
    }

    void awaitDone() {
      long spinUntil = System.nanoTime() + SPIN_NANOS;
      while (done.get() < parts) {
        if (System.nanoTime() < spinUntil) {
          Thread.onSpinWait();
        } else {
          LockSupport.parkNanos(this, 100_000);
        }
      }
    }
  }

  /** A pool thread with a one-job mailbox. */
  private static final class Worker implements Runnable {
    final Thread thread;
    final AtomicInteger busy = new AtomicInteger();
    volatile Job mailbox;

    Worker(int index) {
      thread = new Thread(this, "ledge-worker-" + index);
      thread.setDaemon(true);
    }

    /** Hands the job to this worker if it is idle. */
    boolean offer(Job job) {
      if (!busy.compareAndSet(0, 1)) {
        return false;
      }
      mailbox = job;
      LockSupport.unpark(thread);
      return true;
    }

    @Override
    public void run() {
      while (true) {
        Job j = mailbox;
        if (j == null) {
          long spinUntil = System.nanoTime() + SPIN_NANOS;
          while ((j = mailbox) == null && System.nanoTime() < spinUntil) {
            Thread.onSpinWait();
          }
          if (j == null) {
            LockSupport.park(this);
            continue;
          }
        }
        mailbox = null;
        j.work();
        busy.set(0);
      }
    }
  }
}
