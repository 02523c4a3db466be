package io.jgrad.codegen;

import io.jgrad.runtime.Workspace;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/** The concurrency check shared by the thread-safety tests. */
final class ThreadedCalls {
    private ThreadedCalls() {}

    /**
     * Checks every case 50 times from each of 4 threads at once, each thread starting at a
     * different case: threads 1 and 3 with a Workspace of their own ({@code newWorkspace}), 0 and
     * 2 with null (the calls without a Workspace, which use the calling thread's). {@code check}
     * gets the Workspace (or null) and the case index, and asserts.
     */
    static void fromFourThreads(int cases, Supplier<Workspace> newWorkspace, BiConsumer<Workspace, Integer> check) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                boolean explicit = t % 2 == 1;
                int start = t;
                fs.add(pool.submit(() -> {
                    Workspace ws = explicit ? newWorkspace.get() : null;
                    for (int rep = 0; rep < 50; rep++)
                        for (int k = (start + rep) % cases, n = 0; n < cases; n++, k = (k + 1) % cases)
                            check.accept(ws, k);
                    return null;
                }));
            }
            for (Future<?> f : fs) f.get();
        } finally {
            pool.shutdownNow();
        }
    }
}
