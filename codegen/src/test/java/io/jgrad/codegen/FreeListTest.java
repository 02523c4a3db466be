package io.jgrad.codegen;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** FreeList against the plain first-fit list it replaced: the same offsets, the same top. */
class FreeListTest {
    /** The reference: a sorted list of {offset, length}, scanned from the start. */
    private static final class ListModel {
        final List<int[]> free = new ArrayList<>();
        int top;

        int allocate(int size) {
            for (int i = 0; i < free.size(); i++) {
                int[] f = free.get(i);
                if (f[1] >= size) {
                    int off = f[0];
                    if (f[1] == size) free.remove(i);
                    else { f[0] += size; f[1] -= size; }
                    return off;
                }
            }
            int off = top;
            top += size;
            return off;
        }

        void release(int off, int len) {
            int i = 0;
            while (i < free.size() && free.get(i)[0] < off) i++;
            free.add(i, new int[] {off, len});
            if (i + 1 < free.size() && free.get(i)[0] + free.get(i)[1] == free.get(i + 1)[0]) {
                free.get(i)[1] += free.get(i + 1)[1];
                free.remove(i + 1);
            }
            if (i > 0 && free.get(i - 1)[0] + free.get(i - 1)[1] == free.get(i)[0]) {
                free.get(i - 1)[1] += free.get(i)[1];
                free.remove(i);
            }
        }
    }

    @Test
    void sameOffsetsAsTheListOnRandomLifetimes() {
        for (long seed = 0; seed < 40; seed++) {
            Random r = new Random(seed);
            FreeList tree = new FreeList();
            ListModel list = new ListModel();
            List<int[]> live = new ArrayList<>();   // {offset, length}
            int maxSize = 1 + r.nextInt(seed % 2 == 0 ? 4 : 200);
            for (int step = 0; step < 3000; step++) {
                if (!live.isEmpty() && r.nextInt(100) < 45) {
                    int[] b = live.remove(r.nextInt(live.size()));
                    tree.release(b[0], b[1]);
                    list.release(b[0], b[1]);
                } else {
                    int size = 1 + r.nextInt(maxSize);
                    int off = list.allocate(size);
                    assertEquals(off, tree.allocate(size, top -> {}), "seed " + seed + " step " + step);
                    live.add(new int[] {off, size});
                }
                assertEquals(list.top, tree.top, "top, seed " + seed + " step " + step);
                assertEquals(list.free.size(), tree.blocks(), "free blocks (merged), seed " + seed + " step " + step);
            }
        }
    }

    /**
     * The work per call is logarithmic, counted in tree nodes visited (no clock): n buffers of an
     * unrolled trace's pattern (every other one freed while the rest stay live, so the free
     * blocks never merge, then reused) against 8n. A sorted list scans ~n/2 blocks per call, so
     * its work grows 64x; a balanced tree's by 8 · log(8n)/log(n), under 10x.
     */
    @Test
    void workGrowsAsNLogNNotNSquared() {
        long small = fragmentedWork(20_000), large = fragmentedWork(160_000);
        double perCallSmall = small / (3.0 * 20_000), perCallLarge = large / (3.0 * 160_000);
        assertTrue(large < 10L * small, "work " + small + " -> " + large + " for 8x the buffers");
        assertTrue(perCallLarge < 6 * (Math.log(160_000) / Math.log(2)), "nodes visited per call: " + perCallLarge);
        assertTrue(perCallSmall > 1, "the counter counts: " + perCallSmall);
    }

    private static long fragmentedWork(int n) {
        FreeList f = new FreeList();
        int[] off = new int[n];
        for (int i = 0; i < n; i++) off[i] = f.allocate(3, top -> {});
        for (int i = 0; i < n; i += 2) f.release(off[i], 3);          // n/2 free blocks, none adjacent
        assertEquals(n / 2, f.blocks());
        for (int i = 0; i < n; i += 2) assertEquals(off[i], f.allocate(3, top -> {}), "first fit reuses the lowest hole");
        for (int i = 0; i < n; i += 2) f.release(off[i], 3);
        assertEquals(3L * n, f.top);
        return f.visits;
    }

    @Test
    void growingPastTheLimitIsRefusedBeforeTheTopMoves() {
        FreeList f = new FreeList();
        f.allocate(10, top -> {});
        assertThrows(IllegalArgumentException.class, () -> f.allocate(5, top -> {
            if (top > 12) throw new IllegalArgumentException("too big: " + top);
        }));
        assertEquals(10, f.top);
    }
}
